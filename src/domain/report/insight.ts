import type { Attribution } from '../outcome/attribution.js';
import { reasonKey } from './facts.js';
import type { NotCountedActivity } from './types.js';

export interface InsightInput {
  /** The rep's deviation attribution against their team (domain/outcome/attribution.ts), shared with the pack. */
  attribution: Attribution;
  thisWeekCounted: number;
  notCountedThisWeek: readonly NotCountedActivity[];
}

/** Reasons differ in their numbers ("时长 18 分钟 < 30 分钟"); group them by their wording. */
export function topReason(items: readonly NotCountedActivity[]): { example: string; count: number } | undefined {
  const groups = new Map<string, { example: string; count: number }>();
  for (const a of items) {
    for (const r of a.reasons) {
      const key = reasonKey(r);
      const g = groups.get(key) ?? { example: r, count: 0 };
      g.count++;
      groups.set(key, g);
    }
  }
  return [...groups.values()].sort((a, b) => b.count - a.count)[0];
}

/**
 * One short, specific line: the link of the chain the data says broke and the ONE lever it points to
 * (visit length, check-ins, tailoring, pipeline, …), from the same attribution the pre-review pack uses.
 * When no link broke: an empty week is named (a missing check-in or CRM entry), else "keep the pace".
 */
export function insightLine(i: InsightInput): string {
  const a = i.attribution;
  if (a.primary) return `${a.primary.sentence.zh.replace(/。$/, '')}。建议：${a.lever.text.zh}`;
  if (i.thisWeekCounted === 0 && i.notCountedThisWeek.length === 0) return '本周没有有效活动：如有拜访或电话，请确认已打卡或录入 CRM';
  return a.lever.text.zh;
}
