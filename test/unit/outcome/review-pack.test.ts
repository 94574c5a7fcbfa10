import { describe, expect, it } from 'vitest';
import { computeFigures, type PersonQuarterFigures } from '../../../src/domain/figures/person-figures.js';
import { attributeTeam } from '../../../src/domain/outcome/attribution.js';
import { findContrasts } from '../../../src/domain/outcome/contrasts.js';
import { csvCell } from '../../../src/domain/outcome/pack-csv.js';
import { quartileTable } from '../../../src/domain/outcome/quartiles.js';
import { buildReviewPack, packMembers, packProblem } from '../../../src/domain/outcome/review-pack.js';
import type { ActivityCell, ClosedDealCell, ReportGoal, WonDealCell } from '../../../src/domain/report/types.js';
import { DEFAULT_REPORT_SETTINGS as S } from '../../../src/domain/report/types.js';
import { act, closed, dataset, person, won } from '../report/fixtures.js';

interface Spec {
  id: string;
  name?: string;
  target?: number | null;
  visits: number;
  tailored: number;
  won: number;
  lost: number;
  dealCny?: number;
}

function figures(specs: Spec[]): PersonQuarterFigures[] {
  const org = [person('mgr', null, '王磊'), ...specs.map((s) => person(s.id, 'mgr', s.name ?? s.id))];
  const goals: ReportGoal[] = [];
  const activities: ActivityCell[] = [];
  const wonDeals: WonDealCell[] = [];
  const closedCells: ClosedDealCell[] = [];
  for (const s of specs) {
    const target = s.target === undefined ? 800_000 : s.target;
    if (target !== null) goals.push({ ownerId: s.id, status: 'approved', targets: [{ metric: 'signed_amount', value: target }], industries: [], keyAccounts: [] });
    activities.push(act(s.id, '2026-W47', s.visits, { dims: { proposalCustomized: s.tailored } }));
    if (s.won > 0) wonDeals.push(won(s.id, '2026-W46', (s.dealCny ?? 100_000) * s.won, { n: s.won }));
    closedCells.push(closed(s.id, s.lost, 10));
  }
  const people = specs.map((s) => person(s.id, 'mgr', s.name ?? s.id));
  const by = computeFigures(dataset({ people, org, goals, activities, wonDeals, closed: closedCells }), S).byPerson;
  return specs.map((s) => by.get(s.id)!);
}

// The source case: A visits a lot and wins 21 %; B visits about as much (counted) and wins 39 %, tailoring
// proposals before most visits.
const A: Spec = { id: 'a', name: '甲', visits: 40, tailored: 4, won: 4, lost: 15 };
const B: Spec = { id: 'b', name: '乙', visits: 36, tailored: 30, won: 7, lost: 11 };
const normal = (id: string, extra: Partial<Spec> = {}): Spec => ({ id, visits: 20, tailored: 8, won: 3, lost: 5, ...extra });

describe('contrasts worth discussing', () => {
  it('finds the source case\'s A/B pair (similar counted visits, win rates ≥ 1.5× apart) and names 方案定制率', () => {
    const team = figures([A, B, normal('c'), normal('d', { visits: 60 })]);
    const cs = findContrasts(team);
    const ab = cs.find((c) => c.high.personId === 'b' && c.low.personId === 'a')!;
    expect(ab).toBeDefined();
    expect(ab.high.winRate).toBeCloseTo(7 / 18);
    expect(ab.low.winRate).toBeCloseTo(4 / 19);
    expect(ab.ratio).toBeGreaterThanOrEqual(1.5);
    expect(ab.dimension).toMatchObject({ key: 'proposalCustomized', name: '方案定制率' });
    expect(ab.dimension!.high).toBeCloseTo(30 / 36);
    expect(ab.dimension!.low).toBeCloseTo(4 / 40);
  });

  it('leaves out pairs whose effort differs by more than 20 %, or whose win rates are close', () => {
    const team = figures([A, { ...B, visits: 30 }, normal('c', { visits: 40, won: 4, lost: 12 })]);
    const ids = findContrasts(team).map((c) => `${c.high.personId}/${c.low.personId}`);
    expect(ids).not.toContain('b/a'); // 30 vs 40 counted visits: 25 % apart
    expect(ids).not.toContain('c/a'); // 25 % vs 21 %
  });
});

describe('top vs bottom quartile', () => {
  it('cuts by attainment and sorts every tracked figure by the standardised difference', () => {
    const specs = Array.from({ length: 8 }, (_, i): Spec => ({ id: `r${i}`, visits: 20, tailored: 2 + i * 3, won: 1 + i, lost: 6, dealCny: 100_000 }));
    const t = quartileTable(figures(specs))!;
    expect(t.by).toBe('attainment');
    expect(t.top).toEqual(['r7', 'r6']);
    expect(t.bottom).toEqual(['r1', 'r0']);
    const dim = t.rows.find((r) => r.key === 'dim:proposalCustomized')!;
    expect(dim.top).toBeGreaterThan(dim.bottom);
    expect(dim.d).toBeGreaterThan(1);
    const ds = t.rows.map((r) => Math.abs(r.d));
    expect(ds).toEqual([...ds].sort((x, y) => y - x));
    expect(t.rows.some((r) => r.key === 'visitsPerWeek')).toBe(false); // the same for everyone: no SD
  });

  it('needs at least four reps', () => {
    expect(quartileTable(figures([A, B, normal('c')]))).toBeNull();
  });
});

describe('the pack', () => {
  const reviewAt = new Date('2026-12-24T06:00:00Z');
  const base = { quarterId: '2026Q4', teamName: '王磊', managerId: 'mgr', asOf: new Date('2026-12-21T06:00:00Z'), reviewAt, timeZone: 'Asia/Shanghai', preview: false };

  it('leads with attribution, shows a rep without a target as 未设目标 (no division by zero), and marks a preview', () => {
    const team = figures([A, B, normal('c'), normal('n', { name: '新人', target: null })]);
    const pack = buildReviewPack({ ...base, team, attributions: attributeTeam(team) });
    expect(pack.cardValues.attribution).toContain('**新人**（未设目标）');
    expect(pack.charts.goalActual.rows.find((r) => r.name === '新人')).toMatchObject({ targetCny: null, attainment: null });
    expect(pack.cardValues.contrasts).toContain('**乙** vs **甲**');
    expect(pack.cardValues.contrasts).toContain('方案定制率 83% vs 10%');
    expect(pack.csv.text.startsWith('\uFEFF')).toBe(true);
    expect(pack.csv.text).toContain(',未设目标,');
    expect(pack.csv.text).not.toMatch(/NaN|Infinity/);
    expect(buildReviewPack({ ...base, preview: true, team, attributions: attributeTeam(team) }).title).toBe('复盘包 · 王磊团队 · 2026Q4 · 预览');
  });

  it('refuses an empty team and a team with neither goals nor deals, with a sentence', () => {
    expect(packProblem('王磊', [])?.code).toBe('empty-team');
    const idle = figures([{ id: 'x', target: null, visits: 3, tailored: 0, won: 0, lost: 0 }]).map((f) => ({ ...f, pipeline: { opened: 0 } }));
    expect(packProblem('王磊', idle)).toMatchObject({ code: 'no-data' });
    expect(packProblem('王磊', figures([A]))).toBeNull();
  });

  it("leaves out managers scored on an empty book (a director's pack read every manager 达成 0%)", () => {
    const reps = figures([A, B]);
    // A manager whose goal is the team's roll-up: no personal book, so no row of zeros in a pack.
    const manager = { ...reps[0]!, personId: 'm', name: '主管', personalBook: false };
    expect(packMembers([manager, ...reps]).map((f) => f.personId)).toEqual(reps.map((f) => f.personId));
    expect(packProblem('王磊', [manager, ...reps])).toBeNull();
    // A director whose direct reports all lead teams: an honest sentence, not a pack of zeros.
    expect(packProblem('罗刚杰', [manager, { ...manager, personId: 'm2' }])).toMatchObject({ code: 'only-sub-teams', zh: expect.stringContaining('复盘 团队') });
  });

  it('quotes CSV cells and defuses spreadsheet formulas in names', () => {
    expect(csvCell('张, 伟')).toBe('"张, 伟"');
    expect(csvCell('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvCell('12.5%')).toBe('12.5%');
  });
});
