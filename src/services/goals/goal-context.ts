import type { Goal } from '../../adapters/mongo/goal-repository.js';
import type { Person } from '../../adapters/mongo/people-repository.js';
import type { QuarterConfig } from '../../adapters/mongo/quarter-repository.js';
import { checkAlignment, hasContent, type Alignment, type AlignmentContext, type GoalLike } from '../../domain/goals/alignment.js';
import { personAlignment } from '../../domain/goals/alignment-tree.js';
import type { ParentDirection } from '../../domain/goals/goal-card.js';
import { msg } from '../../domain/goals/msg.js';
import type { GoalDeps } from './deps.js';

export interface OwnerContext {
  manager: Person | null;
  managerGoal: Goal | null;
  alignment: AlignmentContext;
  /** Shown on the card: what this goal aligns with. */
  parent: ParentDirection;
  /** 1 + everyone below the owner: scales the plausible range of targets. */
  teamSize: number;
}

export const likeOf = (g: Goal): GoalLike => ({ ownerId: g.ownerId, status: g.status, targets: g.targets, industries: g.industries, keyAccounts: g.keyAccounts });

/**
 * Everything the alignment check needs around one person's goal: the manager's goal, the goals of the
 * manager's team (the owner's stored goal included), and the owner's own reports.
 */
export async function loadOwnerContext(d: Pick<GoalDeps, 'people' | 'goals'>, owner: Person, quarter: QuarterConfig): Promise<OwnerContext> {
  const manager = owner.managerId ? await d.people.get(owner.managerId) : null;
  const activeManager = manager && manager.isActive ? manager : null;
  const [managerGoal, siblings, ownReports, below] = await Promise.all([
    activeManager ? d.goals.get(quarter.id, activeManager._id) : Promise.resolve(null),
    activeManager ? d.people.directReports(activeManager._id) : Promise.resolve([] as Person[]),
    d.people.directReports(owner._id),
    d.people.allReports(owner._id),
  ]);
  const siblingIds = siblings.map((p) => p._id);
  if (!siblingIds.includes(owner._id) && activeManager) siblingIds.push(owner._id);
  const [siblingGoals, ownGoals] = await Promise.all([d.goals.forOwners(quarter.id, siblingIds), d.goals.forOwners(quarter.id, ownReports.map((p) => p._id))]);
  const team = siblingGoals.map(likeOf);
  const alignment: AlignmentContext = {
    metrics: quarter.metrics,
    company: quarter.direction,
    ...(activeManager ? { manager: { name: activeManager.name, goal: managerGoal ? likeOf(managerGoal) : null, team, teamSize: siblingIds.length } } : {}),
    ...(ownReports.length > 0 ? { ownTeam: { goals: ownGoals.map(likeOf), size: ownReports.length } } : {}),
  };
  const parent: ParentDirection =
    activeManager && hasContent(managerGoal ? likeOf(managerGoal) : null)
      ? { label: msg(`上级 ${activeManager.name}`, `your manager ${activeManager.name}`), industries: managerGoal!.industries, keyAccounts: managerGoal!.keyAccounts, targets: managerGoal!.targets }
      : { label: msg('公司方向', 'the company direction'), industries: quarter.direction.industries, keyAccounts: quarter.direction.keyAccounts, targets: [] };
  return { manager: activeManager, managerGoal, alignment, parent, teamSize: 1 + below.length };
}

/** Alignment in the shape the goal document stores (both languages, so either reader sees their own). */
export function storedAlignment(a: Alignment, at: Date): Goal['alignment'] {
  return { status: a.status, findings: a.findings.map((f) => ({ code: f.code, message: f.message.zh, messageEn: f.message.en, severity: f.severity })), checkedAt: at };
}

/**
 * The alignment every goal view shows: checked now against the manager's and the team's current goals,
 * by the same rule as the board and the reports (domain/goals/alignment-tree.ts). The stored check is a
 * record of submission time only: demo goals store "unknown", and team goals change after a submission.
 */
export async function liveAlignment(d: Pick<GoalDeps, 'people' | 'goals'>, owner: Person, goal: Goal, quarter: QuarterConfig, ctx?: OwnerContext): Promise<Alignment> {
  const c = ctx ?? (await loadOwnerContext(d, owner, quarter));
  return personAlignment(checkAlignment(likeOf(goal), c.alignment));
}

/** Back from the stored shape (what was checked at submission; views use liveAlignment). */
export function alignmentOf(g: Goal): Alignment {
  return {
    status: g.alignment.status === 'red' ? 'red' : 'green',
    findings: g.alignment.findings.map((f) => ({ code: f.code as Alignment['findings'][number]['code'], severity: f.severity, message: { zh: f.message, en: f.messageEn || f.message } })),
  };
}

/** Re-checks a stored goal (its team or manager moved) and stores the result; cards are not re-sent. */
export async function refreshAlignment(d: Pick<GoalDeps, 'people' | 'goals' | 'clock'>, ownerId: string, quarter: QuarterConfig): Promise<void> {
  const [owner, goal] = await Promise.all([d.people.get(ownerId), d.goals.get(quarter.id, ownerId)]);
  if (!owner || !goal || !hasContent(likeOf(goal))) return;
  const ctx = await loadOwnerContext(d, owner, quarter);
  await d.goals.setAlignment(goal, storedAlignment(checkAlignment(likeOf(goal), ctx.alignment), d.clock.now()));
}
