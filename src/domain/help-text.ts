import type { Lang } from './command-text.js';
import { cutText } from './text/cut.js';

export interface HelpEntry {
  keywords: readonly string[];
  summary: { zh: string; en: string };
  example?: string;
}

/** The help message: what the bot does and each command, in the reader's language. */
export function helpText(entries: readonly HelpEntry[], lang: Lang): { title: string; text: string } {
  if (lang === 'en') {
    const lines = entries.map((e) => `- **${e.keywords.filter(isAscii).join(' / ') || e.keywords[0]}**: ${e.summary.en}`);
    return {
      title: 'trichain help',
      text: ['### trichain — goals → activities → outcomes', '', 'I track your quarter: goals, activity and results. Commands:', '', ...lines, '', 'Chinese works too: type 帮助.'].join('\n'),
    };
  }
  const lines = entries.map((e) => {
    const zh = e.keywords.filter((k) => !isAscii(k));
    const en = e.keywords.filter(isAscii);
    return `- **${zh.join(' / ') || e.keywords[0]}**${en.length ? `（${en.join(' / ')}）` : ''}：${e.summary.zh}`;
  });
  return {
    title: '三链助手 帮助',
    text: ['### 三链助手：目标 → 行为 → 结果', '', '我帮你管理本季度的目标、行为和结果数据。可以对我说：', '', ...lines, '', '每个数字都能追溯到来源记录；有疑问直接问我。'].join('\n'),
  };
}

/** Reply to text no command understood, with suggestions when something is close. */
export function unknownText(text: string, suggestions: readonly string[], lang: Lang): string {
  const shown = cutText(text, 21);
  if (lang === 'en') {
    const hint = suggestions.length ? ` Did you mean: ${suggestions.join(', ')}?` : '';
    return `I didn't understand "${shown}".${hint} Type help to see what I can do.`;
  }
  const hint = suggestions.length ? `你是不是想说：${suggestions.join('、')}？` : '';
  return `没听懂「${shown}」。${hint}发送「帮助」查看我能做什么。`;
}

function isAscii(s: string): boolean {
  return /^[\x20-\x7e]+$/.test(s);
}
