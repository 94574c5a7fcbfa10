import type { Goal } from '../../adapters/mongo/goal-repository.js';
import type { CardValue } from '../../domain/cards/fill-card.js';
import type { Person } from '../../adapters/mongo/people-repository.js';
import type { QuarterConfig } from '../../adapters/mongo/quarter-repository.js';
import { hasContent } from '../../domain/goals/alignment.js';
import { approvalCardValues, goalCardValues, type ApprovalCardState } from '../../domain/goals/goal-card.js';
import type { FieldError, GoalContent } from '../../domain/goals/goal-form.js';
import type { Lang, Msg } from '../../domain/goals/msg.js';
import type { GoalDeps } from './deps.js';
import { liveAlignment, likeOf, loadOwnerContext, type OwnerContext } from './goal-context.js';

export const contentOf = (g: Goal): GoalContent => ({
  targets: g.targets,
  industries: g.industries,
  keyAccounts: g.keyAccounts,
  plan: g.plan,
  objective: g.objective,
  keyResults: g.keyResults,
});

export interface GoalCardExtras {
  notice?: Msg;
  errors?: readonly FieldError[];
  entered?: Readonly<Record<string, unknown>>;
  editMode?: boolean;
  ctx?: OwnerContext;
}

/** The goal card's full set of values for the goal as stored (plus what the last click needs to say). */
export async function goalCardData(d: GoalDeps, goal: Goal, quarter: QuarterConfig, owner: Person, lang: Lang, x: GoalCardExtras = {}): Promise<Record<string, CardValue>> {
  const ctx = x.ctx ?? (await loadOwnerContext(d, owner, quarter));
  const decider = goal.decidedBy && goal.decidedBy !== 'system' ? await d.people.get(goal.decidedBy) : null;
  const decided = goal.status === 'approved' || goal.status === 'returned';
  return goalCardValues({
    lang,
    quarterId: quarter.id,
    ownerName: owner.name,
    metrics: quarter.metrics,
    industryOptions: quarter.industryOptions,
    version: goal.version,
    edition: await d.goals.edition(quarter.id, goal.ownerId),
    status: goal.status,
    saved: hasContent(likeOf(goal)) ? contentOf(goal) : undefined,
    ...(x.entered ? { entered: x.entered } : {}),
    ...(x.errors ? { errors: x.errors } : {}),
    ...(hasContent(likeOf(goal)) ? { alignment: await liveAlignment(d, owner, goal, quarter, ctx) } : {}),
    parent: ctx.parent,
    ...(x.notice ? { notice: x.notice } : {}),
    ...(decided && goal.decidedBy ? { decision: { byName: decider?.name ?? (lang === 'zh' ? '系统（无上级，自动生效）' : 'the system (no manager)'), comment: goal.decisionComment } } : {}),
    ...(x.editMode ? { editMode: true } : {}),
  });
}

/** Redraws a delivered goal card in place (updateCardDataByKey with every key, so it is always whole). */
export async function updateGoalCard(d: GoalDeps, outTrackId: string, goal: Goal, quarter: QuarterConfig, owner: Person, lang: Lang, x: GoalCardExtras = {}): Promise<void> {
  await d.messenger.updateCard(outTrackId, d.templates.params('goal-form', await goalCardData(d, goal, quarter, owner, lang, x)));
}

export async function approvalData(
  d: GoalDeps,
  goal: Goal,
  quarter: QuarterConfig,
  owner: Person,
  lang: Lang,
  extra: Pick<ApprovalCardState, 'notice' | 'outcome'> = {},
): Promise<Record<string, CardValue>> {
  const [alignment, edition] = await Promise.all([liveAlignment(d, owner, goal, quarter), d.goals.edition(quarter.id, goal.ownerId)]);
  return approvalCardValues({
    lang,
    quarterId: quarter.id,
    ownerName: owner.name,
    version: goal.version,
    edition,
    status: goal.status,
    content: contentOf(goal),
    metrics: quarter.metrics,
    alignment,
    ...(extra.notice ? { notice: extra.notice } : {}),
    ...(extra.outcome ? { outcome: extra.outcome } : {}),
  });
}
