/**
 * The person's side of the goal card: open it (目标), submit it, unlock an approved goal for changes.
 * Every refusal says exactly why on the card and stores nothing.
 */
import type { Goal, GoalState } from '../../adapters/mongo/goal-repository.js';
import type { Person } from '../../adapters/mongo/people-repository.js';
import type { QuarterConfig } from '../../adapters/mongo/quarter-repository.js';
import type { InboundCardAction } from '../../bot/inbound.js';
import type { CardInstance } from '../../bot/messages.js';
import { checkAlignment, type AlignmentContext, type GoalLike } from '../../domain/goals/alignment.js';
import { goalCardId, type GoalCardRef } from '../../domain/goals/card-ids.js';
import { sameContent, validateGoalForm } from '../../domain/goals/goal-form.js';
import { statusLabel } from '../../domain/goals/goal-view.js';
import { msg, type Lang, type Msg } from '../../domain/goals/msg.js';
import type { Logger } from '../../logger.js';
import type { GoalDeps } from './deps.js';
import { contentOf, goalCardData, updateGoalCard } from './goal-cards.js';
import { loadOwnerContext, refreshAlignment, storedAlignment } from './goal-context.js';
import { sendApproval } from './goal-decide.js';
import { answerInChat, refuse } from './refusal.js';
import { closedQuarterRefusal } from '../../domain/goals/quarter-open.js';

/** Sends the goal card for `quarter` (creating the draft), or says where the already-sent card is. */
export async function openGoalCard(d: GoalDeps, person: Person, quarter: QuarterConfig, lang: Lang, io: { reply(text: string): Promise<void>; replyCard(card: CardInstance): Promise<void> }): Promise<void> {
  const closed = closedQuarterRefusal(quarter, d.clock.now());
  if (closed) {
    return refuse({ audit: d.audit, logger: d.logger }, { actorId: person._id, what: 'goal.open', entity: 'goal', entityId: `${quarter.id}:${person._id}`, lang, reason: closed }, io.reply);
  }
  const goal = await d.goals.open(quarter.id, person._id, person.managerId ?? null, person._id);
  const id = goalCardId(quarter.id, person._id, goal.version);
  if (goal.cardOutTrackId === id) {
    // DingTalk would not deliver a second card with this id; point at the one already in the chat.
    await io.reply(
      lang === 'zh'
        ? `你的 ${quarter.id} 目标卡片已在上方（第 ${goal.version} 版，${statusLabel(goal.status, 'zh')}），直接在卡片上修改并提交即可。`
        : `Your ${quarter.id} goal card is already above (version ${goal.version}, ${statusLabel(goal.status, 'en')}); edit and submit it there.`,
    );
    return;
  }
  const card = d.templates.instance('goal-form', id, await goalCardData(d, goal, quarter, person, lang));
  await io.replyCard(card);
  await d.goals.setCards(goal, { cardOutTrackId: id });
}

type GoalRef = Extract<GoalCardRef, { kind: 'goal' }>;

interface Loaded {
  owner: Person;
  quarter: QuarterConfig;
  goal: Goal;
  lang: Lang;
  cardVersion: number;
}

/** Common checks for clicks on a goal card: it must be the clicker's own card, for a known goal. */
async function load(d: GoalDeps, ev: InboundCardAction, ref: GoalRef, log: Logger): Promise<Loaded | undefined> {
  const clicker = await d.org.ensurePerson(ev.userId);
  const lang: Lang = clicker?.lang === 'en' ? 'en' : 'zh';
  if (ev.userId !== ref.ownerId) {
    const owner = await d.people.get(ref.ownerId);
    await refuse(
      { audit: d.audit, logger: log },
      {
        actorId: ev.userId,
        what: 'goal.submit',
        entity: 'goal',
        entityId: `${ref.quarterId}:${ref.ownerId}`,
        lang,
        reason: msg(
          `这张目标卡片属于 ${owner?.name ?? ref.ownerId}，只有本人可以修改。发送「目标」可以设置你自己的目标。`,
          `This goal card belongs to ${owner?.name ?? ref.ownerId}; only they can change it. Send "goal" to set your own.`,
        ),
      },
      answerInChat(d.messenger, ev.userId),
    );
    return undefined;
  }
  const [quarter, goal] = await Promise.all([d.quarters.get(ref.quarterId), d.goals.get(ref.quarterId, ref.ownerId)]);
  if (!clicker || !quarter || !goal) {
    log.warn({ ref, hasQuarter: !!quarter, hasGoal: !!goal }, 'goal card click for an unknown goal');
    await answerInChat(d.messenger, ev.userId)(lang === 'zh' ? '这张卡片对应的目标已不存在，请发送「目标」重新获取。' : 'This card no longer matches a goal; send "goal" for a new one.');
    return undefined;
  }
  const fromParams = Number(ev.params.version);
  return { owner: clicker, quarter, goal, lang, cardVersion: Number.isInteger(fromParams) && fromParams > 0 ? fromParams : ref.version };
}

/** Why a click from an older card changed nothing; the card is redrawn with the current goal. */
function staleNotice(goal: Goal, cardVersion: number, params: Readonly<Record<string, unknown>>, l: Loaded): Msg {
  if (goal.status === 'approved') {
    return msg(
      `🔒 这张卡片是第 ${cardVersion} 版，目标已在第 ${goal.version} 版被批准并锁定，本次未保存。如需修改，点「修改目标」，修改后将重新审批。`,
      `🔒 This card is version ${cardVersion}; the goal was approved and locked at version ${goal.version}. Nothing was saved. To change it, press "Change goal"; it will need approval again.`,
    );
  }
  // Only "is it the same content?": plausibility doesn't matter here, so bounds are left wide open.
  const parsed = validateGoalForm(params, { metrics: l.quarter.metrics, industryOptions: l.quarter.industryOptions, teamSize: Number.MAX_SAFE_INTEGER });
  if (parsed.ok && sameContent(parsed.value, contentOf(goal))) {
    return msg(`✋ 已经提交过相同的内容（第 ${goal.version} 版），无需重复提交。`, `✋ This was already submitted (version ${goal.version}); no need to submit again.`);
  }
  return msg(
    `⚠️ 这张卡片是第 ${cardVersion} 版，目标已更新到第 ${goal.version} 版，本次未保存。卡片已刷新为最新内容，请核对后再提交。`,
    `⚠️ This card is version ${cardVersion} but the goal is at version ${goal.version}; nothing was saved. The card now shows the latest; check it and submit again.`,
  );
}

export async function submitGoal(d: GoalDeps, ev: InboundCardAction, ref: GoalRef, log: Logger): Promise<void> {
  const l = await load(d, ev, ref, log);
  if (!l) return;
  const { owner, quarter, lang } = l;
  let goal = l.goal;
  const redraw = (x: Parameters<typeof updateGoalCard>[6]) => updateGoalCard(d, ev.outTrackId, goal, quarter, owner, lang, x);
  // A card from before the quarter ended: nothing is saved or sent for approval.
  const closed = closedQuarterRefusal(quarter, d.clock.now());
  if (closed) {
    await refuse({ audit: d.audit, logger: log }, { actorId: owner._id, what: 'goal.submit', entity: 'goal', entityId: `${quarter.id}:${owner._id}`, lang, reason: closed }, answerInChat(d.messenger, ev.userId));
    return redraw({ notice: closed });
  }

  const keys = quarter.metrics.map((m) => m.key).join(',');
  if (typeof ev.params.metricKeys === 'string' && ev.params.metricKeys !== keys) {
    return redraw({
      notice: msg('⚠️ HR 刚调整了本季度的跟踪指标，本次未保存。卡片已按新指标刷新，请重新填写后提交。', '⚠️ HR changed the tracked metrics; nothing was saved. The card now shows the new metrics; fill them in and submit again.'),
    });
  }
  // Approval bumps the version, so every card from before it is stale here; a current-version submit on an
  // approved goal comes from a card unlocked with 修改目标, and reopens approval.
  if (l.cardVersion < goal.version) return redraw({ notice: staleNotice(goal, l.cardVersion, ev.params, l) });
  if (goal.status === 'approved' && ev.params.unlocked !== 'true') {
    // Only a card unlocked with 修改目标 shows the form; anything else is an old or forged click.
    return redraw({ notice: msg('🔒 目标已批准并锁定，本次未保存。如需修改，请先点「修改目标」。', '🔒 The goal is approved and locked; nothing was saved. Press "Change goal" first.') });
  }

  const ctx = await loadOwnerContext(d, owner, quarter);
  const form = validateGoalForm(ev.params, { metrics: quarter.metrics, industryOptions: quarter.industryOptions, teamSize: ctx.teamSize });
  if (!form.ok) {
    log.info({ fields: form.errors.map((e) => e.field) }, 'goal submit refused: invalid fields');
    return redraw({ errors: form.errors, entered: ev.params, ctx, ...(goal.status === 'approved' ? { editMode: true } : {}) });
  }
  if ((goal.status === 'submitted' || goal.status === 'approved') && sameContent(form.value, contentOf(goal))) {
    const notice =
      goal.status === 'approved'
        ? msg(`内容与已批准的第 ${goal.version} 版相同，目标保持锁定。`, `Same as the approved version ${goal.version}; the goal stays locked.`)
        : msg(`✋ 内容与已提交的第 ${goal.version} 版相同，无需重复提交。`, `✋ Same as the submitted version ${goal.version}; no need to submit again.`);
    return redraw({ notice });
  }

  const now = d.clock.now();
  const mine = { ownerId: owner._id, status: 'submitted' as const, ...form.value };
  const alignment = checkAlignment(mine, withGoal(ctx.alignment, mine));
  const manager = ctx.manager;
  const next: GoalState = {
    ...form.value,
    // Nobody above: the goal takes effect at once (the top of the org answers to the company direction).
    status: manager ? 'submitted' : 'approved',
    managerId: manager?._id ?? null,
    alignment: storedAlignment(alignment, now),
    submittedAt: now,
    decidedAt: manager ? null : now,
    decidedBy: manager ? null : 'system',
    decisionComment: '',
  };
  const action = goal.status === 'draft' ? 'submitted' : goal.status === 'approved' ? 'reopened' : 'resubmitted';
  const res = await d.goals.change(goal, next, { actorId: owner._id, action });
  if (!res.ok) {
    goal = res.current ?? goal;
    return redraw({ notice: staleNotice(goal, l.cardVersion, ev.params, l) });
  }
  const previousApproval = l.goal.status === 'submitted' ? l.goal.approvalOutTrackId : null;
  goal = res.goal;
  await d.goals.setCards(goal, { cardOutTrackId: ev.outTrackId });
  goal = { ...goal, cardOutTrackId: ev.outTrackId };
  log.info({ version: goal.version, status: goal.status, alignment: alignment.status }, `goal ${action}`);
  await redraw({ ctx });
  if (manager) await sendApproval(d, goal, quarter, owner, manager, previousApproval);
  // The manager's own goal rolls up this team; its stored check moves with it.
  if (manager) await refreshAlignment(d, manager._id, quarter);
  if ((await d.people.directReports(owner._id)).length > 0) await refreshReports(d, owner._id, quarter);
}

/** The context with `mine` standing in for the owner's stored goal in the manager's team. */
function withGoal(ctx: AlignmentContext, mine: GoalLike): AlignmentContext {
  if (!ctx.manager) return ctx;
  return { ...ctx, manager: { ...ctx.manager, team: [...ctx.manager.team.filter((g) => g.ownerId !== mine.ownerId), mine] } };
}

/** A manager's goal changed: their reports' direction checks change with it. */
async function refreshReports(d: GoalDeps, managerId: string, quarter: QuarterConfig): Promise<void> {
  for (const p of await d.people.directReports(managerId)) await refreshAlignment(d, p._id, quarter);
}

/** 修改目标 on a locked card: show the form again; nothing changes until it is submitted. */
export async function unlockGoal(d: GoalDeps, ev: InboundCardAction, ref: GoalRef, log: Logger): Promise<void> {
  const l = await load(d, ev, ref, log);
  if (!l) return;
  if (l.cardVersion < l.goal.version) return updateGoalCard(d, ev.outTrackId, l.goal, l.quarter, l.owner, l.lang, { notice: staleNotice(l.goal, l.cardVersion, {}, l) });
  const editMode = l.goal.status === 'approved';
  await updateGoalCard(d, ev.outTrackId, l.goal, l.quarter, l.owner, l.lang, {
    editMode,
    notice: editMode
      ? msg('✏️ 可以修改了。提交后目标将重新进入审批；在新版本通过前，已批准的版本仍然有效。', '✏️ You can edit now. Submitting sends the goal for approval again; the approved version stands until then.')
      : msg('目标未锁定，可以直接修改。', 'The goal is not locked; edit it directly.'),
  });
}
