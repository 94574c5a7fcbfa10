/**
 * Appeals (申诉): which not-counted activity may be disputed, by whom, and the short number people type.
 * Pure: the service loads the activity, its quarter and any earlier appeal, and asks here.
 */
import { echoArg } from '../text/cut.js';

export type Lang = 'zh' | 'en';
export interface Msg {
  zh: string;
  en: string;
}

/** Longest reason a rep or manager may give (a card textarea; kept short enough to read on a phone). */
export const APPEAL_REASON_MAX = 300;

/**
 * The number shown beside a not-counted activity (`申诉 <编号> <理由>`): the last 8 hex digits of its id.
 * The last bytes of an ObjectId are a per-process counter plus random bytes, so two of one person's
 * activities practically never share them; the service still refuses an ambiguous number.
 */
export function appealCode(activityId: string): string {
  return activityId.slice(-8).toLowerCase();
}

export const CODE_PATTERN = /^#?([0-9a-f]{6,24})$/i;

/** `申诉 <编号> <理由>` → the number and the reason, or what is missing. */
export function parseAppealArgs(args: string): { ok: true; code: string; reason: string } | { ok: false; problem: Msg } {
  const t = args.trim();
  if (!t) {
    return {
      ok: false,
      problem: {
        zh: '请写明要申诉的行为编号和理由，例如「申诉 3f9a01c2 客户临时改到公司会议室，实际拜访 45 分钟」。编号见「我的行为」里未计入的每一条。',
        en: 'Give the activity number and your reason, e.g. "appeal 3f9a01c2 the meeting moved to their office, it lasted 45 min". The numbers are shown under "activity".',
      },
    };
  }
  const [first = '', ...rest] = t.split(/\s+/);
  const m = CODE_PATTERN.exec(first);
  if (!m) {
    return { ok: false, problem: { zh: `「${echoArg(first)}」不是行为编号。编号是「我的行为」里未计入那一条后面的 8 位字母数字。`, en: `"${echoArg(first)}" is not an activity number; use the 8-character number shown under "activity".` } };
  }
  return { ok: true, code: m[1]!.toLowerCase(), reason: rest.join(' ').trim() };
}

/** A reason is required and bounded; the text is kept as given (escaped where it is shown). */
export function checkReason(reason: string, who: 'rep' | 'reject'): Msg | null {
  const n = [...reason.trim()].length;
  if (n === 0) {
    return who === 'rep'
      ? { zh: '申诉需要写明理由（例如实际拜访了多久、为什么没有签到），本次没有提交。', en: 'An appeal needs a reason (how long the visit really was, why there was no check-in…); nothing was submitted.' }
      : { zh: '驳回时请填写理由，方便对方理解。本次未驳回。', en: 'Give a reason when rejecting so the rep understands; nothing was changed.' };
  }
  if (n > APPEAL_REASON_MAX) return { zh: `理由最多 ${APPEAL_REASON_MAX} 字（现在 ${n} 字），本次没有提交。`, en: `Reasons are at most ${APPEAL_REASON_MAX} characters (now ${n}); nothing was submitted.` };
  return null;
}

export interface AppealableActivity {
  personId: string;
  counted: boolean;
  deleted?: boolean | null;
  mergedInto?: { source?: string | null } | null;
  tracked: boolean;
}

export interface EarlierAppeal {
  status: 'open' | 'accepted' | 'rejected';
}

export type AppealRefusal = { kind: 'not-yours' | 'counted' | 'merged' | 'deleted' | 'untracked' | 'closed-quarter' | 'twice'; msg: Msg };

/**
 * Whether `requesterId` may appeal this activity now. Order matters: someone else's record is refused
 * before anything about it is revealed.
 */
export function checkAppealable(a: AppealableActivity, requesterId: string, o: { quarterClosed: boolean; quarterId: string; earlier: EarlierAppeal | null }): AppealRefusal | null {
  if (a.personId !== requesterId) {
    return { kind: 'not-yours', msg: { zh: '这条行为不是你的，只能申诉自己的行为，本次没有提交。', en: 'That activity is not yours; you can only appeal your own. Nothing was submitted.' } };
  }
  if (o.earlier) {
    const state = { open: { zh: '正在等主管处理', en: 'is waiting for your manager' }, accepted: { zh: '已被认可', en: 'was accepted' }, rejected: { zh: '已被驳回', en: 'was rejected' } }[o.earlier.status];
    return { kind: 'twice', msg: { zh: `这条行为已经申诉过（${state.zh}），同一条只能申诉一次。`, en: `You already appealed this activity (it ${state.en}); each activity can be appealed once.` } };
  }
  if (a.counted) return { kind: 'counted', msg: { zh: '这条行为已经计入，不需要申诉。', en: 'That activity already counts; there is nothing to appeal.' } };
  if (a.deleted) return { kind: 'deleted', msg: { zh: '这条记录已在源系统中删除，不能申诉；请先在源系统恢复。', en: 'That record was deleted in its source system and cannot be appealed; restore it there first.' } };
  if (a.mergedInto?.source) return { kind: 'merged', msg: { zh: '这条记录与另一系统的同一次拜访合并，已经计过一次，不需要申诉。', en: 'That record is the same visit as another record, which already counts once.' } };
  if (!a.tracked) return { kind: 'untracked', msg: { zh: '这类行为本季度不统计，申诉也不会改变数字；如有需要请联系 HR 调整统计类型。', en: 'That activity type is not tracked this quarter; ask HR to change the tracked types.' } };
  if (o.quarterClosed) return { kind: 'closed-quarter', msg: { zh: `${o.quarterId} 已结束，不能再申诉这个季度的行为。`, en: `${o.quarterId} is closed; its activities can no longer be appealed.` } };
  return null;
}

/** Median of durations (ms), or null for none. */
export function medianMs(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** "3.5 小时" / "2.1 天" for a time to decision. */
export function formatSpan(ms: number | null, lang: Lang): string {
  if (ms === null) return '—';
  const h = ms / 3_600_000;
  const one = (x: number) => (Math.round(x * 10) / 10).toString();
  if (h < 48) return lang === 'zh' ? `${one(h)} 小时` : `${one(h)} h`;
  return lang === 'zh' ? `${one(h / 24)} 天` : `${one(h / 24)} days`;
}

export interface AppealStatRow {
  teamId: string;
  status: 'open' | 'accepted' | 'rejected';
  openedAt: Date;
  decidedAt?: Date | null;
}

export interface TeamAppealStats {
  teamId: string;
  opened: number;
  accepted: number;
  rejected: number;
  open: number;
  medianDecisionMs: number | null;
}

/** Per team and overall (teamId ''): opened, accepted, rejected, still open, median time to decision. */
export function appealStats(rows: readonly AppealStatRow[]): { teams: TeamAppealStats[]; total: TeamAppealStats } {
  const fold = (teamId: string, list: readonly AppealStatRow[]): TeamAppealStats => {
    const decided = list.filter((r) => r.status !== 'open' && r.decidedAt);
    return {
      teamId,
      opened: list.length,
      accepted: list.filter((r) => r.status === 'accepted').length,
      rejected: list.filter((r) => r.status === 'rejected').length,
      open: list.filter((r) => r.status === 'open').length,
      medianDecisionMs: medianMs(decided.map((r) => r.decidedAt!.getTime() - r.openedAt.getTime())),
    };
  };
  const byTeam = new Map<string, AppealStatRow[]>();
  for (const r of rows) byTeam.set(r.teamId, [...(byTeam.get(r.teamId) ?? []), r]);
  const teams = [...byTeam].map(([t, list]) => fold(t, list)).sort((a, b) => b.opened - a.opened || a.teamId.localeCompare(b.teamId));
  return { teams, total: fold('', rows) };
}
