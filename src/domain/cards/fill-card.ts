import type { CardTemplate } from './card-template.js';

export type CardValue = string | number | boolean | null | readonly unknown[] | { readonly [k: string]: unknown };

export class CardDataError extends Error {
  constructor(
    readonly template: string,
    readonly problems: string[],
  ) {
    super(`card ${template}: ${problems.join('; ')}`);
    this.name = 'CardDataError';
  }
}

/**
 * Turns typed values into a cardParamMap (DingTalk wants every value as a string), checking them against
 * the template's declared variables: unknown names, missing required ones and wrong types are refused.
 */
export function fillCard(template: CardTemplate, values: Record<string, CardValue | undefined>, opts: { partial?: boolean } = {}): Record<string, string> {
  const problems: string[] = [];
  const declared = new Map(template.variables.map((v) => [v.name, v]));
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(values)) {
    const v = declared.get(name);
    if (!v) {
      problems.push(`unknown variable ${name}`);
      continue;
    }
    if (value === undefined) continue;
    switch (v.type) {
      case 'string':
      case 'markdown':
      case 'mediaId':
        if (typeof value !== 'string') problems.push(`${name} must be a string`);
        else out[name] = value;
        break;
      case 'number':
        if (typeof value !== 'number' || !Number.isFinite(value)) problems.push(`${name} must be a finite number`);
        else out[name] = String(value);
        break;
      case 'boolean':
        if (typeof value !== 'boolean') problems.push(`${name} must be a boolean`);
        else out[name] = value ? 'true' : 'false';
        break;
      case 'json':
        out[name] = JSON.stringify(value);
        break;
    }
  }
  if (!opts.partial) {
    for (const v of template.variables) if (v.required && !(v.name in values)) problems.push(`missing required ${v.name}`);
  }
  if (problems.length) throw new CardDataError(template.name, problems);
  return out;
}

/** Replaces ${var} in a layout string from card data (used by the simulator and for button params). */
export function interpolate(text: string, data: Record<string, string>): string {
  return text.replace(/\$\{([a-zA-Z][a-zA-Z0-9_]*)\}/g, (_, k: string) => data[k] ?? '');
}
