/** How goals, findings and errors read in cards and messages (markdown), in either language. Pure. */
import type { Alignment, GoalStatus } from './alignment.js';
import type { FieldError, GoalContent, Target } from './goal-form.js';
import { metricName, type MetricDef } from './metrics.js';
import { joinList, type Lang } from './msg.js';
import { formatMetricValue } from './numbers.js';
import { escapeMarkdown } from '../text/markdown.js';

export type HeaderColor = 'blue' | 'green' | 'red' | 'orange' | 'gray';

const STATUS: Record<GoalStatus | 'none', { zh: string; en: string }> = {
  none: { zh: '未开始', en: 'not started' },
  draft: { zh: '草稿', en: 'draft' },
  submitted: { zh: '待审批', en: 'awaiting approval' },
  approved: { zh: '已通过', en: 'approved' },
  returned: { zh: '已退回', en: 'sent back' },
};

export function statusLabel(status: GoalStatus | 'none', lang: Lang): string {
  return STATUS[status][lang];
}

/** "签约额 80万 · 新客户数 15" in the quarter's metric order. */
export function formatTargets(targets: readonly Target[], metrics: readonly MetricDef[], lang: Lang, sep = ' · '): string {
  const parts: string[] = [];
  for (const m of metrics) {
    const t = targets.find((x) => x.metric === m.key);
    if (t) parts.push(`${metricName(m, lang)} ${formatMetricValue(m.unit, t.value, lang)}`);
  }
  return parts.join(sep);
}

/** The goal as a markdown list: targets, direction, plan and OKR. */
export function goalMarkdown(g: GoalContent, metrics: readonly MetricDef[], lang: Lang): string {
  const zh = lang === 'zh';
  const lines: string[] = [];
  for (const m of metrics) {
    const t = g.targets.find((x) => x.metric === m.key);
    if (t) lines.push(`- ${metricName(m, lang)}${zh ? '：' : ': '}**${formatMetricValue(m.unit, t.value, lang)}**`);
  }
  lines.push(`- ${zh ? '主攻行业：' : 'Focus industries: '}${joinList(g.industries.map(escapeMd), lang) || '—'}`);
  lines.push(`- ${zh ? '重点客户：' : 'Key accounts: '}${joinList(g.keyAccounts.map(escapeMd), lang) || '—'}`);
  if (g.plan) lines.push(`- ${zh ? '行动计划：' : 'Plan: '}${escapeMd(g.plan)}`);
  if (g.objective) {
    lines.push(`- ${zh ? 'OKR 目标：' : 'Objective: '}${escapeMd(g.objective)}`);
    g.keyResults.forEach((kr, i) => lines.push(`  - KR${i + 1}${zh ? '：' : ': '}${escapeMd(kr)}`));
  }
  return lines.join('\n');
}

/** Green / red header and the findings as a list. */
export function alignmentView(a: Alignment, lang: Lang): { title: string; color: HeaderColor; text: string } {
  const red = a.status === 'red';
  const title = red
    ? lang === 'zh'
      ? '❌ 与上级方向不一致'
      : '❌ Not aligned with your manager'
    : lang === 'zh'
      ? '✅ 与上级方向一致'
      : '✅ Aligned with your manager';
  const lines = a.findings.map((f) => `- ${f.severity === 'red' ? '🔴' : '🟡'} ${escapeMd(f.message[lang])}`);
  if (lines.length === 0) lines.push(lang === 'zh' ? '- 方向与上级一致，团队目标可覆盖上级目标' : '- Direction matches and the team covers the target');
  return { title, color: red ? 'red' : 'green', text: lines.join('\n') };
}

export function errorsMarkdown(errors: readonly FieldError[], lang: Lang): string {
  const head = lang === 'zh' ? `**有 ${errors.length} 处需要修改，本次未保存：**` : `**${errors.length} thing(s) to fix; nothing was saved:**`;
  return [head, ...errors.map((e) => `- ${escapeMd(e.message[lang])}`)].join('\n');
}

/** Markdown control characters in people's text would restyle the card; show them literally (the one rule). */
export const escapeMd = escapeMarkdown;
