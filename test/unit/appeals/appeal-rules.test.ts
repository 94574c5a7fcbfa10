import { describe, expect, it } from 'vitest';
import { appealCode, appealStats, checkAppealable, checkReason, formatSpan, parseAppealArgs } from '../../../src/domain/appeals/appeal-rules.js';
import { factsOf } from '../../../src/domain/activity/normalize.js';
import { evaluationContext, typeAliases } from '../../../src/domain/activity/rules/context.js';
import { evaluate } from '../../../src/domain/activity/rules/evaluate.js';
import { parseRules } from '../../../src/domain/activity/rules/rule-parser.js';

function ctxFor(text: string, version: number) {
  const r = parseRules(text, typeAliases());
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return evaluationContext(r.rules, version);
}

const ok = { personId: 'rep1', counted: false, tracked: true };
const open = { quarterClosed: false, quarterId: '2026Q4', earlier: null };

describe('which activity may be appealed', () => {
  it('lets a rep appeal their own not-counted activity in an open quarter', () => {
    expect(checkAppealable(ok, 'rep1', open)).toBeNull();
  });

  it('refuses each bad case with its own reason', () => {
    expect(checkAppealable(ok, 'rep2', open)?.kind).toBe('not-yours');
    expect(checkAppealable({ ...ok, counted: true }, 'rep1', open)?.kind).toBe('counted');
    expect(checkAppealable(ok, 'rep1', { ...open, quarterClosed: true })?.kind).toBe('closed-quarter');
    expect(checkAppealable(ok, 'rep1', { ...open, earlier: { status: 'rejected' } })?.kind).toBe('twice');
    expect(checkAppealable({ ...ok, deleted: true }, 'rep1', open)?.kind).toBe('deleted');
    expect(checkAppealable({ ...ok, mergedInto: { source: 'salesforce' } }, 'rep1', open)?.kind).toBe('merged');
    expect(checkAppealable({ ...ok, tracked: false }, 'rep1', open)?.kind).toBe('untracked');
  });

  it("says nothing about someone else's activity beyond that it is not theirs", () => {
    const r = checkAppealable({ ...ok, counted: true }, 'rep2', { ...open, quarterClosed: true, earlier: { status: 'open' } });
    expect(r?.kind).toBe('not-yours');
  });

  it('requires a reason, bounded in characters (not UTF-16 units)', () => {
    expect(checkReason('  ', 'rep')?.zh).toContain('需要写明理由');
    expect(checkReason('', 'reject')?.zh).toContain('驳回时请填写理由');
    expect(checkReason('𠮷'.repeat(300), 'rep')).toBeNull();
    expect(checkReason('𠮷'.repeat(301), 'rep')?.zh).toContain('最多 300 字');
  });
});

describe('申诉 <编号> <理由>', () => {
  it('reads the number and the reason', () => {
    expect(parseAppealArgs('3F9A01C2  客户改到会议室 45 分钟')).toEqual({ ok: true, code: '3f9a01c2', reason: '客户改到会议室 45 分钟' });
    expect(parseAppealArgs('#3f9a01c2')).toEqual({ ok: true, code: '3f9a01c2', reason: '' });
  });
  it('explains what is missing', () => {
    expect(parseAppealArgs('')).toMatchObject({ ok: false });
    expect(parseAppealArgs('拜访 很久')).toMatchObject({ ok: false });
  });
  it('shows the last 8 hex digits of the id', () => {
    expect(appealCode('65f1a2b3c4d5e6f708192a3b')).toBe('08192a3b');
  });
});

describe('an accepted appeal in the verdict', () => {
  const doc = { type: 'visit', source: 'salesforce', durationMin: 18 };
  it('counts a visit the rule refuses, under any rule version', () => {
    const v1 = ctxFor('拜访：时长 ≥ 30 分钟', 1);
    const v2 = ctxFor('拜访：时长 ≥ 45 分钟 且 有签到', 2);
    expect(evaluate(factsOf(doc), v1).counted).toBe(false);
    expect(evaluate(factsOf({ ...doc, appealOverride: { appealId: 'a1' } }), v1)).toEqual({ counted: true, reasons: [] });
    expect(evaluate(factsOf({ ...doc, appealOverride: { appealId: 'a1' } }), v2)).toEqual({ counted: true, reasons: [] });
  });
  it('never overrides a record deleted at the source or merged into another', () => {
    const v1 = ctxFor('拜访：时长 ≥ 30 分钟', 1);
    expect(evaluate(factsOf({ ...doc, deleted: true, appealOverride: { appealId: 'a1' } }), v1).counted).toBe(false);
    expect(evaluate(factsOf({ ...doc, mergedInto: { source: 'dingtalk_checkin', sourceId: 'x' }, appealOverride: { appealId: 'a1' } }), v1).counted).toBe(false);
  });
});

describe('申诉统计 figures', () => {
  const t = (h: number) => new Date(Date.UTC(2026, 10, 2, h));
  it('counts per team and overall, with the median time to decision of decided appeals', () => {
    const s = appealStats([
      { teamId: 'm1', status: 'accepted', openedAt: t(0), decidedAt: t(2) },
      { teamId: 'm1', status: 'rejected', openedAt: t(0), decidedAt: t(6) },
      { teamId: 'm1', status: 'open', openedAt: t(1) },
      { teamId: 'm2', status: 'accepted', openedAt: t(0), decidedAt: t(1) },
    ]);
    expect(s.teams[0]).toEqual({ teamId: 'm1', opened: 3, accepted: 1, rejected: 1, open: 1, medianDecisionMs: 4 * 3_600_000 });
    expect(s.total).toEqual({ teamId: '', opened: 4, accepted: 2, rejected: 1, open: 1, medianDecisionMs: 2 * 3_600_000 });
    expect(formatSpan(4 * 3_600_000, 'zh')).toBe('4 小时');
    expect(formatSpan(72 * 3_600_000, 'zh')).toBe('3 天');
  });
});
