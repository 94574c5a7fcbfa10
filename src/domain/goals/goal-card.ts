/**
 * Values for the goal cards (cards/goal-form.json, cards/goal-approval.json): everything a card shows is
 * computed here from the goal's state, so an update always sends the whole, consistent picture. Pure.
 */
import type { CardValue } from '../cards/fill-card.js';
import type { Alignment, GoalStatus } from './alignment.js';
import { slotName, type FieldError, type GoalContent } from './goal-form.js';
import { alignmentView, errorsMarkdown, formatTargets, goalMarkdown, statusLabel, escapeMd, type HeaderColor } from './goal-view.js';
import { MAX_METRICS, metricName, unitHint, type MetricDef } from './metrics.js';
import { joinList, type Lang, type Msg } from './msg.js';
import { formatMetricValue } from './numbers.js';

export interface ParentDirection {
  /** "上级 王磊" or "公司"; shown above the inputs so people see what they align to. */
  label: Msg;
  industries: readonly string[];
  keyAccounts: readonly string[];
  targets: GoalContent['targets'];
}

export interface GoalCardState {
  lang: Lang;
  quarterId: string;
  ownerName: string;
  metrics: readonly MetricDef[];
  industryOptions: readonly string[];
  version: number;
  /** The edition shown to people (submissions so far); `version` stays the card's hidden staleness token. */
  edition?: number;
  status: GoalStatus;
  /** What is stored now (undefined for an untouched draft). */
  saved: GoalContent | undefined;
  /** Values to show in the inputs when they differ from `saved` (after a refused submit). */
  entered?: Readonly<Record<string, unknown>>;
  errors?: readonly FieldError[];
  alignment?: Alignment;
  parent?: ParentDirection;
  notice?: Msg;
  decision?: { byName: string; comment: string };
  /** The person pressed 修改目标 on a locked (approved) goal: show the form; submitting reopens approval. */
  editMode?: boolean;
}

const COLOR: Record<GoalStatus, HeaderColor> = { draft: 'blue', submitted: 'orange', approved: 'green', returned: 'red' };

/** Approved goals are locked: the card shows them read-only until the person asks to change them. */
export function isEditable(status: GoalStatus, editMode = false): boolean {
  return status !== 'approved' || editMode;
}

export function goalCardValues(s: GoalCardState): Record<string, CardValue> {
  const zh = s.lang === 'zh';
  const v: Record<string, CardValue> = {
    title: zh ? `${s.quarterId} 季度目标 · ${s.ownerName}` : `${s.quarterId} goals · ${s.ownerName}`,
    headerColor: COLOR[s.status],
    subtitle: zh ? `状态：**${statusLabel(s.status, 'zh')}** · 第 ${s.edition ?? s.version} 版` : `Status: **${statusLabel(s.status, 'en')}** · version ${s.edition ?? s.version}`,
    directionText: s.parent ? parentText(s.parent, s.metrics, s.lang) : zh ? '公司尚未设定方向' : 'No company direction set yet',
    hasNotice: s.notice !== undefined,
    noticeText: s.notice ? s.notice[s.lang] : '',
    hasErrors: (s.errors?.length ?? 0) > 0,
    errorsText: s.errors?.length ? errorsMarkdown(s.errors, s.lang) : '',
    editable: isEditable(s.status, s.editMode),
    locked: !isEditable(s.status, s.editMode),
    editText: zh ? '修改目标（需重新审批）' : 'Change goal (needs re-approval)',
    version: String(s.version),
    metricKeys: s.metrics.map((m) => m.key).join(','),
    submitText: s.status === 'draft' ? (zh ? '提交目标' : 'Submit') : zh ? '提交修改' : 'Submit changes',
    industriesLabel: zh ? `主攻行业（最多 3 个）` : 'Focus industries (up to 3)',
    industryOptions: s.industryOptions.map((o) => ({ value: o, label: o })),
    industriesValue: shownList(s, 'industries', s.saved?.industries),
    keyAccountsLabel: zh ? '重点客户（每行一个，可空）' : 'Key accounts (one per line, optional)',
    keyAccountsValue: shownText(s, 'keyAccounts', s.saved?.keyAccounts.join('\n')),
    planLabel: zh ? '行动计划（简述）' : 'Plan (short)',
    planValue: shownText(s, 'plan', s.saved?.plan),
    objectiveLabel: zh ? 'OKR 目标 O（可选）' : 'Objective (optional)',
    objectiveValue: shownText(s, 'objective', s.saved?.objective),
    keyResultsLabel: zh ? '关键结果 KR（每行一个，可选）' : 'Key results (one per line, optional)',
    keyResultsValue: shownText(s, 'keyResults', s.saved?.keyResults.join('\n')),
    hasSaved: s.saved !== undefined,
    savedText: s.saved ? savedText(s) : '',
  };
  for (let i = 0; i < MAX_METRICS; i++) {
    const m = s.metrics[i];
    const slot = slotName(i);
    v[`show${slot.toUpperCase()}`] = m !== undefined && isEditable(s.status, s.editMode);
    v[`${slot}Label`] = m ? (zh ? `${metricName(m, 'zh')}（${unitHint(m.unit, 'zh')}）` : `${metricName(m, 'en')} (${unitHint(m.unit, 'en')})`) : '';
    const stored = m ? s.saved?.targets.find((t) => t.metric === m.key) : undefined;
    v[`${slot}Value`] = m ? shownText(s, slot, stored ? formatMetricValue(m.unit, stored.value, s.lang).replace(/^¥/, '').replaceAll(',', '') : '') : '';
  }
  const a = s.alignment ? alignmentView(s.alignment, s.lang) : undefined;
  v.hasAlignment = a !== undefined;
  v.alignTitle = a?.title ?? '';
  v.alignColor = a?.color ?? 'gray';
  v.alignText = a?.text ?? '';
  return v;
}

function savedText(s: GoalCardState): string {
  const zh = s.lang === 'zh';
  const head = zh ? `**已保存（第 ${s.edition ?? s.version} 版，${statusLabel(s.status, 'zh')}）**` : `**Saved (version ${s.edition ?? s.version}, ${statusLabel(s.status, 'en')})**`;
  const parts = [head, goalMarkdown(s.saved!, s.metrics, s.lang)];
  if (s.decision) {
    const c = s.decision.comment ? `：${escapeMd(s.decision.comment)}` : '';
    parts.push(
      s.status === 'approved' && s.editMode
        ? zh
          ? `✏️ ${s.decision.byName} 已批准过这一版；你正在修改，提交后将重新审批（提交前仍按已批准的目标执行）。`
          : `✏️ Approved by ${s.decision.byName}; you are changing it, and submitting sends it for approval again (the approved goal applies until then).`
        : s.status === 'approved'
        ? zh
          ? `🔒 ${escapeMd(s.decision.byName)} 已批准，目标已锁定。如需修改，发送「目标」获取新卡片，修改后将重新审批。`
          : `🔒 Approved by ${escapeMd(s.decision.byName)}; the goal is locked. To change it, send "goal" for a new card; changes need approval again.`
        : zh
          ? `↩️ ${escapeMd(s.decision.byName)} 退回${c}`
          : `↩️ Sent back by ${escapeMd(s.decision.byName)}${s.decision.comment ? `: ${escapeMd(s.decision.comment)}` : ''}`,
    );
  }
  return parts.join('\n\n');
}

function parentText(p: ParentDirection, metrics: readonly MetricDef[], lang: Lang): string {
  const zh = lang === 'zh';
  const lines = [`**${zh ? '对齐对象' : 'Aligning with'}：${escapeMd(p.label[lang])}**`];
  lines.push(`- ${zh ? '方向行业：' : 'Industries: '}${joinList(p.industries.map(escapeMd), lang) || '—'}`);
  if (p.keyAccounts.length) lines.push(`- ${zh ? '重点客户：' : 'Key accounts: '}${joinList(p.keyAccounts.map(escapeMd), lang)}`);
  if (p.targets.length) lines.push(`- ${zh ? '目标：' : 'Targets: '}${formatTargets(p.targets, metrics, lang)}`);
  return lines.join('\n');
}

/** After a refused submit the inputs keep what the person typed, so they fix one thing, not retype all. */
function shownText(s: GoalCardState, field: string, stored: string | undefined): string {
  const e = s.entered?.[field];
  if (s.entered && e !== undefined) return Array.isArray(e) ? e.map(String).join('\n') : String(e);
  return stored ?? '';
}

function shownList(s: GoalCardState, field: string, stored: readonly string[] | undefined): string[] {
  const e = s.entered?.[field];
  if (s.entered && e !== undefined) return Array.isArray(e) ? e.map(String) : String(e).split(/[,，、\n]+/).map((x) => x.trim()).filter(Boolean);
  return [...(stored ?? [])];
}

export interface ApprovalCardState {
  lang: Lang;
  quarterId: string;
  ownerName: string;
  version: number;
  /** Shown edition (see GoalCardState.edition). */
  edition?: number;
  status: GoalStatus;
  content: GoalContent;
  metrics: readonly MetricDef[];
  alignment: Alignment;
  /** Why the last click did nothing (missing comment, stale card, …). */
  notice?: Msg;
  /** Set when this card's version was decided (or replaced by a newer one). */
  outcome?: { kind: 'approved' | 'returned' | 'superseded'; byName: string; comment: string };
}

export function approvalCardValues(s: ApprovalCardState): Record<string, CardValue> {
  const zh = s.lang === 'zh';
  const a = alignmentView(s.alignment, s.lang);
  const pending = s.outcome === undefined;
  const color: HeaderColor = !pending ? (s.outcome!.kind === 'approved' ? 'green' : 'gray') : s.alignment.status === 'red' ? 'red' : 'orange';
  return {
    title: zh ? `目标审批 · ${s.ownerName} · ${s.quarterId}` : `Goal approval · ${s.ownerName} · ${s.quarterId}`,
    headerColor: color,
    summaryText: [zh ? `**${escapeMd(s.ownerName)}** 提交了第 ${s.edition ?? s.version} 版目标：` : `**${escapeMd(s.ownerName)}** submitted version ${s.edition ?? s.version}:`, goalMarkdown(s.content, s.metrics, s.lang)].join('\n\n'),
    alignTitle: a.title,
    alignColor: a.color,
    alignText: a.text,
    hasNotice: s.notice !== undefined,
    noticeText: s.notice ? s.notice[s.lang] : '',
    pending,
    commentLabel: zh ? '意见（退回时必填）' : 'Comment (required to send back)',
    approveText: zh ? '通过' : 'Approve',
    returnText: zh ? '退回修改' : 'Send back',
    version: String(s.version),
    decided: !pending,
    decidedText: pending ? '' : outcomeText(s.outcome!, s.lang),
  };
}

function outcomeText(o: NonNullable<ApprovalCardState['outcome']>, lang: Lang): string {
  const zh = lang === 'zh';
  const c = o.comment ? (zh ? `，意见：${escapeMd(o.comment)}` : `, comment: ${escapeMd(o.comment)}`) : '';
  if (o.kind === 'approved') return zh ? `✅ ${escapeMd(o.byName)} 已通过${c}` : `✅ Approved by ${escapeMd(o.byName)}${c}`;
  if (o.kind === 'returned') return zh ? `↩️ ${escapeMd(o.byName)} 已退回${c}` : `↩️ Sent back by ${escapeMd(o.byName)}${c}`;
  return zh ? '⏭️ 已有更新的版本，请处理最新的审批卡片' : '⏭️ Replaced by a newer version; use the latest approval card';
}

/** Only the keys that retire an approval card replaced by a newer version (the rest stays as it was). */
export function supersededApprovalValues(lang: Lang): Record<string, CardValue> {
  return { pending: false, decided: true, hasNotice: false, headerColor: 'gray', decidedText: outcomeText({ kind: 'superseded', byName: '', comment: '' }, lang) };
}
