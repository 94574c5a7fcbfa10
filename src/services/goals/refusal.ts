import type { AuditRepository } from '../../adapters/mongo/audit-repository.js';
import type { Messenger } from '../../bot/messenger.js';
import type { Msg, Lang } from '../../domain/goals/msg.js';
import type { Logger } from '../../logger.js';

export interface Refusal {
  actorId: string;
  /** What was asked for, for the log: e.g. goal.view, board, goal.approve. */
  what: string;
  entity: string;
  entityId: string;
  reason: Msg;
  lang: Lang;
}

/**
 * Someone asked for what they may not see or do: a polite answer to them, a warning in the log and an
 * audit entry, so repeated attempts are visible to HR.
 */
export async function refuse(deps: { audit: AuditRepository; logger: Logger }, r: Refusal, answer: (text: string) => Promise<void>): Promise<void> {
  await recordRefusal(deps, r);
  await answer(r.reason[r.lang]);
}

/** The log line and audit entry of a refusal, for a caller that words its own answer. */
export async function recordRefusal(deps: { audit: AuditRepository; logger: Logger }, r: Omit<Refusal, 'lang'>): Promise<void> {
  deps.logger.warn({ actorId: r.actorId, what: r.what, entity: r.entity, entityId: r.entityId }, 'access refused');
  await deps.audit.record({ actorId: r.actorId, action: 'access_denied', entity: r.entity, entityId: r.entityId, note: `${r.what}: ${r.reason.en}` });
}

/**
 * Answers a card click in the clicker's 1:1 chat (the card itself may belong to someone else), in the
 * interactive lane: the clicker is waiting, so the answer goes ahead of queued report cards.
 */
export function answerInChat(messenger: Messenger, userId: string): (text: string) => Promise<void> {
  return (text) => messenger.send({ kind: 'user', userId }, { type: 'text', text }, { lane: 'interactive' });
}
