import type { CardValue } from '../../domain/cards/fill-card.js';
import { escapeMd } from '../../domain/goals/goal-view.js';
import { formatLocal } from '../../domain/time/calendar.js';

/** Values for cards/appeal-approval.json (the manager's card). */

export interface AppealView {
  id: string;
  repName: string;
  activity: { typeName?: string | null; startAt?: Date | null; accountName?: string | null; source?: string | null };
  systemReasons: readonly string[];
  ruleText?: string | null;
  ruleVersion?: number | null;
  reason: string;
  status: 'open' | 'accepted' | 'rejected';
  decidedByName?: string;
  decisionReason?: string | null;
}

export function approvalValues(a: AppealView, zone: string, extra: { notice?: string } = {}): Record<string, CardValue> {
  const when = a.activity.startAt ? formatLocal(a.activity.startAt, zone) : '';
  const customer = a.activity.accountName ? ` · 客户 ${escapeMd(a.activity.accountName)}` : '';
  const detail = [
    `**行为**：${when} ${a.activity.typeName ?? ''}${customer}`,
    `**规则**（v${a.ruleVersion ?? 0}）：${a.ruleText ? escapeMd(a.ruleText) : '该类型没有额外条件'}`,
    `**系统未计入的原因**：${a.systemReasons.length ? a.systemReasons.map(escapeMd).join('；') : '—'}`,
    `**${escapeMd(a.repName)} 的申诉理由**：${escapeMd(a.reason)}`,
  ].join('\n\n');
  const decided = a.status !== 'open';
  const why = a.decisionReason ? `，理由：${escapeMd(a.decisionReason)}` : '';
  return {
    title: `行为申诉 · ${a.repName}`,
    headerColor: a.status === 'open' ? 'orange' : a.status === 'accepted' ? 'green' : 'red',
    detailText: detail,
    hasNotice: extra.notice !== undefined,
    noticeText: extra.notice ?? '',
    pending: !decided,
    appealId: a.id,
    decided,
    decidedText: decided ? (a.status === 'accepted' ? `✅ ${a.decidedByName ?? ''} 已认可，这条行为经申诉计入${why}` : `❌ ${a.decidedByName ?? ''} 已驳回${why}`) : '',
  };
}
