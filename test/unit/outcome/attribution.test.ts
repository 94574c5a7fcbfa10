import { describe, expect, it } from 'vitest';
import { computeFigures, type PersonQuarterFigures } from '../../../src/domain/figures/person-figures.js';
import { attribute, attributeTeam, teamReference } from '../../../src/domain/outcome/attribution.js';
import type { ActivityCell, ClosedDealCell, NotCountedReasonCell, ReportGoal, WonDealCell } from '../../../src/domain/report/types.js';
import { DEFAULT_REPORT_SETTINGS as S } from '../../../src/domain/report/types.js';
import { act, closed, dataset, person, won } from '../report/fixtures.js';

/**
 * A team of five "normal" reps (r1–r4 + the rep under test) where every link is healthy, and one
 * constructed rep per broken link. Normal: target 800k, 40 counted visits (20 tailored), 4 won of 10
 * closed at 100k each, 12 new opportunities.
 */
interface RepSpec {
  id: string;
  target?: number | null;
  industries?: string[];
  visits?: number;
  tailored?: number;
  notCounted?: number;
  reasons?: Array<[string, number]>;
  won?: number;
  lost?: number;
  dealCny?: number;
  opened?: number;
}

function team(test: RepSpec): Map<string, PersonQuarterFigures> {
  const normal = (id: string): RepSpec => ({ id });
  const specs = [normal('r1'), normal('r2'), normal('r3'), normal('r4'), test];
  const org = [person('mgr', null, '主管'), ...specs.map((s) => person(s.id, 'mgr', s.id))];
  const goals: ReportGoal[] = [{ ownerId: 'mgr', status: 'approved', targets: [{ metric: 'signed_amount', value: 3_000_000 }], industries: ['制造'], keyAccounts: [] }];
  const activities: ActivityCell[] = [];
  const wonDeals: WonDealCell[] = [];
  const closedCells: ClosedDealCell[] = [];
  const reasons: NotCountedReasonCell[] = [];
  for (const s of specs) {
    const target = s.target === undefined ? 800_000 : s.target;
    if (target !== null) goals.push({ ownerId: s.id, status: 'approved', targets: [{ metric: 'signed_amount', value: target }], industries: s.industries ?? ['制造'], keyAccounts: [] });
    activities.push(act(s.id, '2026-W47', s.visits ?? 40, { dims: { proposalCustomized: s.tailored ?? 20 } }));
    if (s.notCounted) activities.push(act(s.id, '2026-W47', s.notCounted, { counted: false }));
    for (const [reason, n] of s.reasons ?? []) reasons.push({ personId: s.id, reason, n });
    const nWon = s.won ?? 4;
    if (nWon > 0) wonDeals.push(won(s.id, '2026-W46', (s.dealCny ?? 100_000) * nWon, { n: nWon }));
    closedCells.push(closed(s.id, s.lost ?? 6, s.opened ?? 12));
  }
  const people = specs.map((s) => person(s.id, 'mgr', s.id));
  return computeFigures(dataset({ people, org, goals, activities, wonDeals, closed: closedCells, reasons }), S).byPerson;
}

function attributionOf(test: RepSpec) {
  const figures = team(test);
  return attributeTeam([...figures.values()]).find((a) => a.personId === test.id)!;
}

describe('deviation attribution: each constructed rep is attributed to the link that broke', () => {
  it('on track: no broken link, "keep going"', () => {
    const a = attributionOf({ id: 'x' });
    expect(a.links).toEqual([]);
    expect(a.lever.key).toBe('keep-going');
  });

  it('goal link: no goal', () => {
    const a = attributionOf({ id: 'x', target: null });
    expect(a.primary).toMatchObject({ link: 'goal', code: 'no-goal' });
    expect(a.trailing).toBe(true);
    expect(a.lever.key).toBe('set-goal');
  });

  it('goal link: direction outside the manager\'s (misaligned)', () => {
    const a = attributionOf({ id: 'x', industries: ['医疗'] });
    expect(a.primary).toMatchObject({ link: 'goal', code: 'misaligned' });
    expect(a.sentence.zh).toContain('医疗');
    expect(a.lever.key).toBe('goal-direction');
  });

  it('goal link: target far above the team\'s (and, when known, the rep\'s own history)', () => {
    const a = attributionOf({ id: 'x', target: 2_000_000 });
    expect(a.primary).toMatchObject({ link: 'goal', code: 'target-above-team', numbers: { target: 2_000_000, teamMedian: 800_000, ratio: 2.5 } });
    const figures = team({ id: 'y' });
    const ref = teamReference([...figures.values()]);
    const h = attribute(figures.get('y')!, ref, { avgSignedCny: 400_000 });
    expect(h.primary).toMatchObject({ link: 'goal', code: 'target-above-history', numbers: { ratio: 2 } });
  });

  it('activity link: counted activity below the team', () => {
    const a = attributionOf({ id: 'x', visits: 15, tailored: 8 });
    expect(a.primary).toMatchObject({ link: 'activity', code: 'activity-below-team', numbers: { counted: 15, teamMedianCounted: 40 } });
    expect(a.sentence.zh).toBe('活动环节：本季有效活动 15 次，为团队中位数 40 次的 38%。');
    expect(a.sentence.en).toBe('Activity link: 15 counted activities this quarter, 38% of the team median of 40.');
    expect(a.lever.key).toBe('activity');
  });

  it('activity link: much not counted — the A-type rep with short visits gets "visit length", not "more activity" (12.7)', () => {
    const a = attributionOf({ id: 'x', visits: 1, tailored: 0, notCounted: 17, reasons: [['时长 18 分钟 < 30 分钟', 12], ['时长 22 分钟 < 30 分钟', 5]] });
    expect(a.primary).toMatchObject({ link: 'activity', code: 'much-not-counted', numbers: { notCounted: 17, counted: 1 } });
    expect(a.sentence.zh).toContain('最常见原因「时长 18 分钟 < 30 分钟」（17 次）');
    expect(a.lever.key).toBe('visit-length');
    expect(a.lever.text.zh).toContain('17 次因时长不足未计入');
    expect(a.lever.text.zh).not.toContain('活动量');
  });

  it('activity link: much not counted for missing check-ins → check-ins', () => {
    const a = attributionOf({ id: 'x', notCounted: 20, reasons: [['没有签到记录', 20]] });
    expect(a.lever.key).toBe('check-ins');
  });

  it('conversion link: enough activity, low win rate — the lever is the dimension the team\'s best converters do more of', () => {
    const a = attributionOf({ id: 'x', tailored: 4, won: 1, lost: 9 });
    expect(a.primary).toMatchObject({ link: 'conversion', code: 'low-win-rate', numbers: { won: 1, closed: 10, winRate: 0.1, teamMedianWinRate: 0.4 } });
    expect(a.lever.key).toBe('tailoring');
    expect(a.lever.text.zh).toBe('方案定制率：你 10%，团队赢单率前 25% 的同事 50%，拜访前准备定制方案');
  });

  it('conversion link: small deals', () => {
    const a = attributionOf({ id: 'x', dealCny: 30_000 });
    expect(a.primary).toMatchObject({ link: 'conversion', code: 'small-deals', numbers: { avgWonDealCny: 30_000, teamMedianAvgDealCny: 100_000 } });
    expect(a.lever.key).toBe('deal-size');
  });

  it('pipeline link: few new opportunities', () => {
    const a = attributionOf({ id: 'x', opened: 3 });
    expect(a.primary).toMatchObject({ link: 'pipeline', code: 'few-opportunities', numbers: { opened: 3, teamMedianOpened: 12 } });
    expect(a.sentence.zh).toBe('商机环节：本季新建商机 3 个，团队中位数 12 个。');
    expect(a.lever.key).toBe('pipeline');
  });

  it('lists every broken link in chain order and speaks about the first; deterministic', () => {
    const a = attributionOf({ id: 'x', visits: 10, tailored: 5, opened: 2 });
    expect(a.links.map((l) => l.link)).toEqual(['activity', 'pipeline']);
    expect(a.primary!.link).toBe('activity');
    expect(attributionOf({ id: 'x', visits: 10, tailored: 5, opened: 2 })).toEqual(a);
  });

  it('uses no blame wording', () => {
    const all = [
      attributionOf({ id: 'x', target: null }),
      attributionOf({ id: 'x', visits: 15 }),
      attributionOf({ id: 'x', won: 1, lost: 9 }),
      attributionOf({ id: 'x', opened: 3 }),
    ];
    for (const a of all) expect(`${a.sentence.zh}${a.lever.text.zh}`).not.toMatch(/差劲|懒|失职|不努力|责任/);
  });
});
