/**
 * The manager's side: the approval card, approve / send back, and moving pending approvals to a new
 * manager after a reorg. Only the owner's current direct manager may decide.
 */
import type { Goal, GoalState } from '../../adapters/mongo/goal-repository.js';
import type { Person } from '../../adapters/mongo/people-repository.js';
import type { QuarterConfig } from '../../adapters/mongo/quarter-repository.js';
import type { InboundCardAction } from '../../bot/inbound.js';
import { approvalCardId, type GoalCardRef } from '../../domain/goals/card-ids.js';
import { supersededApprovalValues } from '../../domain/goals/goal-card.js';
import { escapeMd } from '../../domain/goals/goal-view.js';
import { msg, type Lang } from '../../domain/goals/msg.js';
import type { Logger } from '../../logger.js';
import type { GoalDeps } from './deps.js';
import { approvalData, updateGoalCard } from './goal-cards.js';
import { answerInChat, refuse } from './refusal.js';

const langOf = (p: Pick<Person, 'lang'> | null | undefined): Lang => (p?.lang === 'en' ? 'en' : 'zh');
const COMMENT_MAX = 300;

/** Delivers the approval card for the goal's current version; retires the previous pending one. */
export async function sendApproval(d: GoalDeps, goal: Goal, quarter: QuarterConfig, owner: Person, manager: Person, previous: string | null): Promise<void> {
  const id = approvalCardId(quarter.id, owner._id, goal.version, manager._id);
  const card = d.templates.instance('goal-approval', id, await approvalData(d, goal, quarter, owner, langOf(manager)));
  await d.messenger.sendCard(card, { kind: 'user', userId: manager._id });
  await d.goals.setCards(goal, { approvalOutTrackId: id });
  if (previous && previous !== id) {
    await d.messenger.updateCard(previous, d.templates.params('goal-approval', supersededApprovalValues(langOf(manager)))).catch((err: unknown) => {
      d.logger.warn({ err, outTrackId: previous }, 'could not retire the previous approval card');
    });
  }
}

type ApprovalRef = Extract<GoalCardRef, { kind: 'approval' }>;

export async function decideGoal(d: GoalDeps, ev: InboundCardAction, ref: ApprovalRef, decision: 'approve' | 'return', log: Logger): Promise<void> {
  const clicker = await d.org.ensurePerson(ev.userId);
  const lang = langOf(clicker);
  const [owner, quarter, goal] = await Promise.all([d.people.get(ref.ownerId), d.quarters.get(ref.quarterId), d.goals.get(ref.quarterId, ref.ownerId)]);
  if (!owner || !quarter || !goal) {
    log.warn({ ref }, 'approval click for an unknown goal');
    return answerInChat(d.messenger, ev.userId)(lang === 'zh' ? '这张审批卡片对应的目标已不存在。' : 'This approval card no longer matches a goal.');
  }
  if (owner.managerId !== ev.userId) {
    const current = owner.managerId ? await d.people.get(owner.managerId) : null;
    return refuse(
      { audit: d.audit, logger: log },
      {
        actorId: ev.userId,
        what: `goal.${decision}`,
        entity: 'goal',
        entityId: `${ref.quarterId}:${ref.ownerId}`,
        lang,
        reason: msg(
          `只有 ${owner.name} 的直属主管${current ? ` ${current.name}` : ''}可以审批这份目标，本次操作未生效。`,
          `Only ${owner.name}'s direct manager${current ? ` (${current.name})` : ''} can decide on this goal; nothing was changed.`,
        ),
      },
      answerInChat(d.messenger, ev.userId),
    );
  }
  const redraw = async (g: Goal, extra: Parameters<typeof approvalData>[5]) =>
    d.messenger.updateCard(ev.outTrackId, d.templates.params('goal-approval', await approvalData(d, g, quarter, owner, lang, extra)));
  const cardVersion = Number(ev.params.version) || ref.version;
  if (cardVersion !== goal.version || goal.status !== 'submitted') {
    const decider = goal.decidedBy ? await d.people.get(goal.decidedBy) : null;
    // A decision is the version right after the one it decided on.
    const decided = goal.version === cardVersion + 1 && (goal.status === 'approved' || goal.status === 'returned');
    return redraw(goal, {
      notice: decided
        ? msg(`这份目标已处理过（${goal.status === 'approved' ? '已通过' : '已退回'}），无需重复操作。`, `This goal was already ${goal.status === 'approved' ? 'approved' : 'sent back'}.`)
        : msg(`这张卡片是第 ${cardVersion} 版，${owner.name} 的目标已更新到第 ${goal.version} 版，本次操作未生效。`, `This card is version ${cardVersion}; ${owner.name}'s goal is now at version ${goal.version}. Nothing was changed.`),
      outcome: decided ? { kind: goal.status === 'approved' ? 'approved' : 'returned', byName: decider?.name ?? '', comment: goal.decisionComment } : { kind: 'superseded', byName: '', comment: '' },
    });
  }
  const comment = typeof ev.params.comment === 'string' ? ev.params.comment.trim() : '';
  if (decision === 'return' && comment === '') {
    return redraw(goal, { notice: msg(`退回时请填写意见，方便 ${owner.name} 修改。本次未退回。`, `Add a comment so ${owner.name} knows what to change; nothing was sent back.`) });
  }
  if ([...comment].length > COMMENT_MAX) {
    return redraw(goal, { notice: msg(`意见最多 ${COMMENT_MAX} 字（现在 ${[...comment].length} 字），本次未生效。`, `Comments are at most ${COMMENT_MAX} characters (now ${[...comment].length}); nothing was changed.`) });
  }
  const next: GoalState = { ...goal, status: decision === 'approve' ? 'approved' : 'returned', decidedAt: d.clock.now(), decidedBy: ev.userId, decisionComment: comment };
  const res = await d.goals.change(goal, next, { actorId: ev.userId, action: decision === 'approve' ? 'approved' : 'returned', ...(comment ? { note: comment } : {}) });
  if (!res.ok) {
    return redraw(res.current ?? goal, { notice: msg('这份目标刚被更新，本次操作未生效，请处理最新的审批卡片。', 'The goal changed just now; nothing was changed. Use the latest approval card.') });
  }
  const decided = res.goal;
  log.info({ owner: owner._id, version: decided.version, decision }, 'goal decided');
  await redraw(goal, { outcome: { kind: decision === 'approve' ? 'approved' : 'returned', byName: clicker?.name ?? ev.userId, comment } });
  const ownerLang = langOf(owner);
  if (decided.cardOutTrackId) await updateGoalCard(d, decided.cardOutTrackId, decided, quarter, owner, ownerLang);
  await d.messenger.send({ kind: 'user', userId: owner._id }, { type: 'text', text: outcomeMessage(decision, clicker?.name ?? ev.userId, comment, quarter.id, ownerLang) });
}

function outcomeMessage(decision: 'approve' | 'return', by: string, comment: string, quarterId: string, lang: Lang): string {
  const c = comment ? escapeMd(comment) : '';
  if (decision === 'approve') {
    return lang === 'zh'
      ? `✅ ${by} 通过了你的 ${quarterId} 目标，目标已锁定。${c ? `意见：${c}。` : ''}如需修改，在目标卡片上点「修改目标」，修改后将重新审批。`
      : `✅ ${by} approved your ${quarterId} goal; it is now locked.${c ? ` Comment: ${c}.` : ''} To change it, press "Change goal" on the card; changes need approval again.`;
  }
  return lang === 'zh'
    ? `↩️ ${by} 退回了你的 ${quarterId} 目标：${c}。请在目标卡片上修改后重新提交。`
    : `↩️ ${by} sent back your ${quarterId} goal: ${c}. Please change it on the goal card and submit again.`;
}

/** After a reorg, goals waiting for a manager who is no longer the owner's go to the new manager. */
export async function reroutePendingApprovals(d: GoalDeps, changes: ReadonlyArray<{ id: string; to: string | null }>, log: Logger): Promise<number> {
  if (changes.length === 0) return 0;
  const quarter = await d.quarters.current(d.clock.now());
  if (!quarter) return 0;
  let moved = 0;
  for (const c of changes) {
    const [owner, goal] = await Promise.all([d.people.get(c.id), d.goals.get(quarter.id, c.id)]);
    if (!owner || !goal || goal.status !== 'submitted' || !c.to) continue;
    const manager = await d.people.get(c.to);
    if (!manager?.isActive) continue;
    await sendApproval(d, goal, quarter, owner, manager, goal.approvalOutTrackId);
    moved++;
  }
  if (moved) log.info({ moved }, 'pending goal approvals sent to new managers');
  return moved;
}
