/** HR sets up a quarter in chat (季度设置): a prefilled card, validated on save, versioned by revision. */
import type { DeliveryLedger } from '../../adapters/mongo/delivery-ledger.js';
import type { Person } from '../../adapters/mongo/people-repository.js';
import type { QuarterConfig } from '../../adapters/mongo/quarter-repository.js';
import type { InboundCardAction } from '../../bot/inbound.js';
import type { CardInstance } from '../../bot/messages.js';
import { quarterCardId, type GoalCardRef } from '../../domain/goals/card-ids.js';
import { DEFAULT_METRICS } from '../../domain/goals/metrics.js';
import { msg, type Lang } from '../../domain/goals/msg.js';
import { quarterCardValues, type QuarterCardState, type QuarterView } from '../../domain/goals/quarter-card.js';
import { DEFAULT_INDUSTRIES, quarterDefaults, validateQuarterForm } from '../../domain/goals/quarter-form.js';
import type { Logger } from '../../logger.js';
import type { GoalDeps } from './deps.js';
import { answerInChat, refuse } from './refusal.js';

function viewOf(q: QuarterConfig | null, quarterId: string, zone: string): QuarterView {
  if (q) return q;
  return { ...quarterDefaults(quarterId, zone), metrics: DEFAULT_METRICS, industryOptions: DEFAULT_INDUSTRIES, direction: { industries: [], keyAccounts: [] } };
}

async function state(d: GoalDeps, quarterId: string, q: QuarterConfig | null, lang: Lang, extra: Partial<QuarterCardState> = {}): Promise<QuarterCardState> {
  const by = q?.updatedBy ? await d.people.get(q.updatedBy) : null;
  return {
    lang,
    zone: d.timeZone,
    quarterId,
    revision: q?.revision ?? 0,
    view: viewOf(q, quarterId, d.timeZone),
    stored: q !== null,
    ...(by ? { updatedByName: by.name } : {}),
    ...extra,
  };
}

/** Sends the set-up card once per (quarter, HR person, revision); asking again points at the one sent. */
export async function openQuarterCard(
  d: GoalDeps & { ledger: DeliveryLedger },
  hr: Person,
  quarterId: string,
  lang: Lang,
  io: { reply(text: string): Promise<void>; replyCard(card: CardInstance): Promise<void> },
): Promise<void> {
  const q = await d.quarters.get(quarterId);
  const id = quarterCardId(quarterId, hr._id, q?.revision ?? 0);
  const claim = await d.ledger.claim({ kind: 'quarter-card', period: quarterId, recipientId: hr._id, part: `r${q?.revision ?? 0}` }, { outTrackId: id });
  if (!claim.claimed) {
    await io.reply(lang === 'zh' ? `${quarterId} 的季度设置卡片已在上方（第 ${q?.revision ?? 0} 版），直接修改并保存即可。` : `The ${quarterId} set-up card is already above; edit and save it there.`);
    return;
  }
  try {
    await io.replyCard(d.templates.instance('quarter-setup', id, quarterCardValues(await state(d, quarterId, q, lang))));
    await d.ledger.markSent(claim.id, claim.attempt);
  } catch (err) {
    await d.ledger.markFailed(claim.id, claim.attempt, err instanceof Error ? err.message : String(err));
    throw err;
  }
}

type QuarterRef = Extract<GoalCardRef, { kind: 'quarter' }>;

export async function saveQuarter(d: GoalDeps, ev: InboundCardAction, ref: QuarterRef, log: Logger): Promise<void> {
  const clicker = await d.org.ensurePerson(ev.userId);
  const lang: Lang = clicker?.lang === 'en' ? 'en' : 'zh';
  if (!clicker || !d.org.isHr(clicker)) {
    return refuse(
      { audit: d.audit, logger: log },
      { actorId: ev.userId, what: 'quarter.save', entity: 'quarter', entityId: ref.quarterId, lang, reason: msg('只有 HR / 销售运营可以设置季度，本次未保存。', 'Only HR / sales ops can set up a quarter; nothing was saved.') },
      answerInChat(d.messenger, ev.userId),
    );
  }
  const q = await d.quarters.get(ref.quarterId);
  const redraw = async (cur: QuarterConfig | null, extra: Partial<QuarterCardState>) =>
    d.messenger.updateCard(ev.outTrackId, d.templates.params('quarter-setup', quarterCardValues(await state(d, ref.quarterId, cur, lang, extra))));
  const cardRevision = Number(ev.params.revision ?? ref.revision);
  if ((q?.revision ?? 0) !== cardRevision) {
    return redraw(q, {
      notice: msg(
        `⚠️ 这张卡片是第 ${cardRevision} 版，季度设置已被${q?.updatedBy ? '其他人' : ''}更新到第 ${q?.revision ?? 0} 版，本次未保存。卡片已刷新为最新内容。`,
        `⚠️ This card is revision ${cardRevision}; the set-up is now at revision ${q?.revision ?? 0}. Nothing was saved; the card shows the latest.`,
      ),
    });
  }
  const form = validateQuarterForm(ev.params, { quarterId: ref.quarterId, zone: d.timeZone, existingMetrics: q?.metrics ?? DEFAULT_METRICS });
  if (!form.ok) return redraw(q, { errors: form.errors, entered: ev.params });
  const res = await d.quarters.save(form.value, { actorId: ev.userId, timeZone: d.timeZone, expectedRevision: q ? q.revision : undefined, now: d.clock.now() });
  if (!res.ok) return redraw(res.current, { notice: msg('⚠️ 刚刚有人保存了季度设置，本次未保存。卡片已刷新为最新内容。', '⚠️ Someone saved the set-up just now; nothing was saved. The card shows the latest.') });
  log.info({ quarter: ref.quarterId, revision: res.quarter.revision }, 'quarter saved');
  await redraw(res.quarter, {});
}
