// Types for the simulator page's Markdown renderer (plain browser JS, also unit-tested under Node).
export function escapeHtml(s: string): string;
export function renderMarkdown(src: string): string;
