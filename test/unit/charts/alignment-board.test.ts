import { describe, expect, it } from 'vitest';
import { alignmentBoardSpec, BOARD_COLORS, rowStep } from '../../../src/domain/charts/alignment-board.js';
import { buildBoardRows, type BoardGoal, type BoardPerson } from '../../../src/domain/goals/board-rows.js';
import { DEFAULT_METRICS } from '../../../src/domain/goals/metrics.js';
import { EXAMPLE_NOW, EXAMPLE_QUARTER, exampleBoardInput } from '../../../scripts/board-example-data.js';

const day = (d: number) => new Date(EXAMPLE_QUARTER.start.getTime() + d * 86_400_000);
const g = (ownerId: string, amount: number, industries: string[], status: BoardGoal['status'], submitted = 2, decided: number | null = 4): BoardGoal => ({
  ownerId,
  status,
  targets: [
    { metric: 'signed_amount', value: amount },
    { metric: 'new_customers', value: 10 },
  ],
  industries,
  keyAccounts: [],
  openedAt: day(1),
  submittedAt: day(submitted),
  decidedAt: decided === null ? null : day(decided),
});
// boss ← lead ← a, b ; boss ← solo ; boss ← c (no goal)
const people: BoardPerson[] = [
  { id: 'boss', name: '陈总', managerId: null },
  { id: 'lead', name: '王磊', managerId: 'boss' },
  { id: 'a', name: '张伟', managerId: 'lead' },
  { id: 'b', name: '刘洋', managerId: 'lead' },
  { id: 'solo', name: '孙强', managerId: 'boss' },
  { id: 'c', name: '赵静', managerId: 'boss' },
];
const goals = [
  g('boss', 5_000_000, ['能源', '制造业'], 'approved'),
  g('lead', 3_000_000, ['制造业'], 'approved'),
  g('a', 2_000_000, ['制造业'], 'approved'),
  g('b', 1_000_000, ['教育'], 'submitted', 5, null),
  g('solo', 900_000, ['能源'], 'returned'),
];
const input = { rootId: 'boss', people, goals, metrics: DEFAULT_METRICS, company: { industries: ['制造业', '能源'], keyAccounts: [] }, lang: 'zh' as const };

describe('alignment board rows', () => {
  it('orders reps first, then each sub-manager followed by their team', () => {
    expect(buildBoardRows(input).rows.map((r) => r.label)).toEqual(['孙强', '赵静', '王磊', '刘洋', '张伟']);
  });

  it('checks each goal against its own manager and says why it is red', () => {
    const rows = new Map(buildBoardRows(input).rows.map((r) => [r.id, r]));
    expect(rows.get('b')).toMatchObject({ misaligned: true, note: '主攻行业 教育 不在上级方向 制造业 内', status: 'submitted' });
    expect(rows.get('a')).toMatchObject({ misaligned: false, colorKey: '制造业', targetsText: '200万 / 10' });
    expect(rows.get('c')).toMatchObject({ status: 'none', note: '尚未设定目标', targetsText: '' });
    expect(rows.get('lead')).toMatchObject({ misaligned: false, note: '制造业' });
  });

  it("puts a team's roll-up shortfall on the manager's row: amber while members are missing, red once complete", () => {
    const short = goals.map((x) => (x.ownerId === 'a' ? { ...x, targets: [{ metric: 'signed_amount', value: 1_000_000 }, { metric: 'new_customers', value: 10 }] } : x));
    const complete = new Map(buildBoardRows({ ...input, goals: short }).rows.map((r) => [r.id, r]));
    expect(complete.get('lead')).toMatchObject({ misaligned: true, note: '下属签约额目标合计 200万，低于本人目标 300万（差 100万；2/2 人已填报）' });
    expect(complete.get('a')!.misaligned).toBe(false);
    const missing = new Map(buildBoardRows({ ...input, goals: short.filter((x) => x.ownerId !== 'b') }).rows.map((r) => [r.id, r]));
    expect(missing.get('lead')).toMatchObject({ misaligned: false, noteIsWarning: true, note: '下属签约额目标合计 100万，低于本人目标 300万（差 200万；1/2 人已填报）' });
  });

  it("gives the top manager's industries the first colours and counts statuses", () => {
    const b = buildBoardRows(input);
    expect(b.palette).toEqual(['能源', '制造业']);
    expect(b.counts).toEqual({ none: 1, draft: 0, submitted: 1, approved: 2, returned: 1 });
    expect(b.misaligned).toBe(1);
  });
});

describe('alignment board spec', () => {
  const build = () => {
    const b = buildBoardRows(input);
    return alignmentBoardSpec({ title: 't', subtitle: 's', notesTitle: 'n', lang: 'zh', zone: 'Asia/Shanghai', quarter: EXAMPLE_QUARTER, now: EXAMPLE_NOW, palette: b.palette, rows: b.rows });
  };
  const values = () => (build() as unknown as { data: { values: Array<Record<string, unknown>> } }).data.values;

  it('draws approved goals light until the decision and solid after; misaligned in red; returned in grey', () => {
    const segs = values().filter((d) => d.kind === 'seg');
    const of = (row: string) => segs.filter((s) => s.row === row).map((s) => [s.x, s.x2, s.color, s.opacity]);
    expect(of('张伟')).toEqual([
      [2, 4, BOARD_COLORS.industries[1], 0.5],
      [4, 92, BOARD_COLORS.industries[1], 1],
    ]);
    expect(of('刘洋')).toEqual([[5, 92, BOARD_COLORS.misaligned, 0.5]]);
    expect(of('孙强')).toEqual([
      [2, 4, BOARD_COLORS.industries[0], 0.5],
      [4, 92, BOARD_COLORS.returned, 1],
    ]);
    expect(of('赵静')).toEqual([]);
  });

  it('puts every row-bound datum on a row, marks today and the review meeting, and labels weeks by date', () => {
    const v = values();
    const rowBound = v.filter((d) => d.kind !== 'today' && d.kind !== 'review');
    expect(rowBound.every((d) => typeof d.row === 'string')).toBe(true);
    expect(v.filter((d) => d.kind === 'track')).toHaveLength(5);
    expect(v.find((d) => d.kind === 'today')!.text).toBe('今天 10/23');
    expect(v.find((d) => d.kind === 'review')!.text).toBe('评审会 12/25');
    const axis = (build() as unknown as { hconcat: Array<{ layer: Array<{ encoding: { x: { axis?: { labelExpr: string } } } }> }> }).hconcat[0]!.layer[0]!.encoding.x.axis!;
    expect(axis.labelExpr.startsWith('["10/1","10/8","10/15",')).toBe(true);
  });

  it('scales to the 56-rep example: 60 rows of 14 px (one render tile), every status present', () => {
    const ex = exampleBoardInput();
    expect(ex.rows).toHaveLength(60);
    expect(new Set(ex.rows.map((r) => r.status))).toEqual(new Set(['none', 'draft', 'submitted', 'approved', 'returned']));
    expect(ex.rows.filter((r) => r.misaligned).length).toBeGreaterThan(3);
    const spec = alignmentBoardSpec(ex) as unknown as { hconcat: Array<{ height: { step: number } }> };
    expect(spec.hconcat.map((c) => c.height.step)).toEqual([14, 14]);
    expect(rowStep(5)).toBe(16);
    expect(rowStep(80)).toBe(13);
  });
});
