/**
 * One person's alignment, as every view shows it (goal card, 我的目标, 团队看板, reports): checked live
 * against the org tree and everyone's current goals, never read back from what a goal stored at submission
 * (demo and imported goals store "unknown", and a stored check goes stale when the team's goals change).
 *
 * One rule for who is red: a person is misaligned by their own direction (industry/account outside) or,
 * for a manager, by their team's targets not covering their own (team_rollup_under). The team's shortfall
 * against a member's manager (rollup_under) is the manager's problem: shown to the member as amber.
 */
import { checkAlignment, hasContent, type Alignment, type AlignmentContext, type Direction, type GoalLike } from './alignment.js';
import type { MetricDef } from './metrics.js';

export interface TreePerson {
  id: string;
  name: string;
  managerId: string | null;
}

export interface AlignmentTree {
  people: ReadonlyMap<string, TreePerson>;
  children: ReadonlyMap<string, readonly TreePerson[]>;
  goals: ReadonlyMap<string, GoalLike>;
  metrics: readonly MetricDef[];
  company: Direction;
}

export function alignmentTree(people: readonly TreePerson[], goals: readonly GoalLike[], metrics: readonly MetricDef[], company: Direction): AlignmentTree {
  const byId = new Map(people.map((p) => [p.id, p]));
  const children = new Map<string, TreePerson[]>();
  for (const p of people) {
    if (p.managerId && byId.has(p.managerId)) children.set(p.managerId, [...(children.get(p.managerId) ?? []), p]);
  }
  return { people: byId, children, goals: new Map(goals.map((g) => [g.ownerId, g])), metrics, company };
}

/** The same context loadOwnerContext builds from the database, from the tree in memory. */
export function contextInTree(t: AlignmentTree, personId: string): AlignmentContext {
  const p = t.people.get(personId);
  const ctx: AlignmentContext = { metrics: t.metrics, company: t.company };
  const mgr = p?.managerId ? t.people.get(p.managerId) : undefined;
  if (mgr) {
    const kids = t.children.get(mgr.id) ?? [];
    const team = kids.map((x) => t.goals.get(x.id)).filter((x): x is GoalLike => x !== undefined);
    ctx.manager = { name: mgr.name, goal: t.goals.get(mgr.id) ?? null, team, teamSize: kids.length };
  }
  const own = t.children.get(personId) ?? [];
  if (own.length) ctx.ownTeam = { goals: own.map((x) => t.goals.get(x.id)).filter((x): x is GoalLike => x !== undefined), size: own.length };
  return ctx;
}

/** The view of a check: rollup_under is amber on the member (see the file comment); status from the rest. */
export function personAlignment(a: Alignment): Alignment {
  const findings = a.findings.map((f) => (f.code === 'rollup_under' ? { ...f, severity: 'amber' as const } : f));
  return { status: findings.some((f) => f.severity === 'red') ? 'red' : 'green', findings };
}

/** Live alignment of a person's goal in the tree, or null when they have no goal with targets. */
export function alignmentInTree(t: AlignmentTree, personId: string): Alignment | null {
  const g = t.goals.get(personId);
  if (!hasContent(g)) return null;
  return personAlignment(checkAlignment(g, contextInTree(t, personId)));
}
