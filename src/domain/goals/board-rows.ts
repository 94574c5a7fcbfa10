/**
 * From the org under a manager and everyone's goals to the board's rows: order (each sub-manager followed
 * by their team), live alignment per goal, the colour each goal takes, and the counts for the subtitle.
 * Pure: the board service loads people and goals once and everything is computed here in memory.
 */
import type { BoardRow, BoardStatus } from '../charts/alignment-board.js';
import type { Direction, GoalLike } from './alignment.js';
import { alignmentInTree, alignmentTree } from './alignment-tree.js';
import { statusLabel } from './goal-view.js';
import type { MetricDef } from './metrics.js';
import { joinList, type Lang } from './msg.js';
import { formatMetricValue } from './numbers.js';

export interface BoardPerson {
  id: string;
  name: string;
  managerId: string | null;
}

export interface BoardGoal extends GoalLike {
  openedAt: Date | null;
  submittedAt: Date | null;
  decidedAt: Date | null;
}

export interface BoardRowsInput {
  rootId: string;
  /** Active people: the root and everyone below (others are ignored). */
  people: readonly BoardPerson[];
  goals: readonly BoardGoal[];
  metrics: readonly MetricDef[];
  company: Direction;
  lang: Lang;
}

export interface BoardRows {
  rows: BoardRow[];
  palette: string[];
  counts: Record<BoardStatus, number>;
  misaligned: number;
}

export function buildBoardRows(input: BoardRowsInput): BoardRows {
  const byId = new Map(input.people.map((p) => [p.id, p]));
  const children = new Map<string, BoardPerson[]>();
  for (const p of input.people) {
    if (p.managerId && byId.has(p.managerId)) children.set(p.managerId, [...(children.get(p.managerId) ?? []), p]);
  }
  for (const list of children.values()) list.sort((a, b) => a.name.localeCompare(b.name, 'zh-Hans-CN'));
  const goals = new Map(input.goals.map((g) => [g.ownerId, g]));
  const kids = (id: string) => children.get(id) ?? [];

  const order: BoardPerson[] = [];
  const seen = new Set<string>([input.rootId]);
  const walk = (id: string) => {
    // Plain reps first, then each sub-manager followed by their own team.
    const list = [...kids(id)].sort((a, b) => Number(kids(a.id).length > 0) - Number(kids(b.id).length > 0));
    for (const p of list) {
      if (seen.has(p.id)) continue;
      seen.add(p.id);
      order.push(p);
      walk(p.id);
    }
  };
  walk(input.rootId);

  // The same live check every other view shows (goal card, 我的目标, reports): one rule, one place.
  const tree = alignmentTree(input.people, input.goals, input.metrics, input.company);

  const root = goals.get(input.rootId);
  const counts: Record<BoardStatus, number> = { none: 0, draft: 0, submitted: 0, approved: 0, returned: 0 };
  let misaligned = 0;
  const rows = order.map((p): BoardRow => {
    const g = goals.get(p.id);
    const status: BoardStatus = g ? g.status : 'none';
    counts[status]++;
    const base = { id: p.id, label: p.name, isManager: kids(p.id).length > 0, status, statusText: statusLabel(status, input.lang) };
    if (!g || g.targets.length === 0) {
      const note = status === 'draft' ? (input.lang === 'zh' ? '已打开目标卡片，未提交' : 'card opened, not submitted') : input.lang === 'zh' ? '尚未设定目标' : 'no goal yet';
      return { ...base, openedAt: g?.openedAt ?? undefined, misaligned: false, targetsText: '', note };
    }
    const a = alignmentInTree(tree, p.id)!;
    // A member is red for their own direction; a team's roll-up shortfall is red on the manager's row.
    const red = a.findings.find((f) => f.severity === 'red');
    // A team shortfall belongs on the manager's row, not on every member's.
    const amber = a.findings.find((f) => f.code === 'team_rollup_under');
    if (red) misaligned++;
    const mgrGoal = p.managerId ? goals.get(p.managerId) : undefined;
    const colorKey = g.industries.find((i) => mgrGoal?.industries.includes(i)) ?? g.industries[0];
    return {
      ...base,
      openedAt: g.openedAt ?? undefined,
      submittedAt: g.submittedAt ?? undefined,
      decidedAt: g.decidedAt ?? undefined,
      misaligned: red !== undefined,
      colorKey,
      targetsText: input.metrics
        .map((m) => g.targets.find((t) => t.metric === m.key))
        .map((t, i) => (t ? formatMetricValue(input.metrics[i]!.unit, t.value, input.lang) : '—'))
        .join(' / '),
      note: (red ?? amber)?.message[input.lang] ?? joinList(g.industries, input.lang),
      noteIsWarning: !red && amber !== undefined,
    };
  });
  // Colours go to the manager's and company's industries first, then to others aligned goals serve.
  const palette = paletteOf(root, input.company, rows.filter((r) => !r.misaligned && r.colorKey).map((r) => r.colorKey!));
  return { rows, palette, counts, misaligned };
}

/** The manager's own industries keep the first colours; then the company's; then what goals use most. */
function paletteOf(root: BoardGoal | undefined, company: Direction, keys: readonly string[]): string[] {
  const out: string[] = [];
  const add = (i: string) => {
    if (!out.includes(i)) out.push(i);
  };
  root?.industries.forEach(add);
  company.industries.forEach(add);
  const freq = new Map<string, number>();
  for (const k of keys) freq.set(k, (freq.get(k) ?? 0) + 1);
  [...freq.entries()].sort((a, b) => b[1] - a[1]).forEach(([i]) => add(i));
  return out;
}
