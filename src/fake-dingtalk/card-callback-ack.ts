import type { FakeDingTalk } from './fake-dingtalk.js';

const TOPIC_CARD = '/v1.0/card/instances/callback';

/**
 * What DingTalk does with the `response` of a card-callback ack: `cardData` changes what everyone sees,
 * `userPrivateData` (official Go SDK / card examples) or `privateData: {userId: …}` (Python example)
 * what the clicking user sees; `cardUpdateOptions.updateCardDataByKey` merges instead of replacing.
 */
export function applyCallbackResponse(f: FakeDingTalk, e: { topic: string; data: unknown; response: unknown }): void {
  if (e.topic !== TOPIC_CARD || !e.response || typeof e.response !== 'object') return;
  const d = e.data as { outTrackId?: string; userId?: string };
  const card = d.outTrackId ? f.outbox.cards.get(d.outTrackId) : undefined;
  if (!card) return;
  const r = e.response as {
    cardData?: { cardParamMap?: Record<string, unknown> };
    userPrivateData?: { cardParamMap?: Record<string, unknown> };
    privateData?: Record<string, { cardParamMap?: Record<string, unknown> }>;
    cardUpdateOptions?: { updateCardDataByKey?: boolean; updatePrivateDataByKey?: boolean };
  };
  let changed = false;
  const map = strings(r.cardData?.cardParamMap);
  if (map) {
    card.cardParamMap = r.cardUpdateOptions?.updateCardDataByKey ? { ...card.cardParamMap, ...map } : map;
    changed = true;
  }
  const privates: Record<string, Record<string, string>> = {};
  const own = strings(r.userPrivateData?.cardParamMap);
  if (own && d.userId) privates[d.userId] = own;
  for (const [u, p] of Object.entries(r.privateData ?? {})) {
    const m = strings(p?.cardParamMap);
    if (m) privates[u] = m;
  }
  for (const [u, m] of Object.entries(privates)) {
    card.privateData[u] = r.cardUpdateOptions?.updatePrivateDataByKey === false ? m : { ...card.privateData[u], ...m };
    changed = true;
  }
  if (!changed) return;
  card.updates++;
  card.history.push({ at: Date.now(), cardParamMap: { ...card.cardParamMap } });
  f.outbox.emit('card-updated', card);
}

/** cardParamMap values are strings on DingTalk; anything else is dropped here as the API refuses it. */
function strings(m: Record<string, unknown> | undefined): Record<string, string> | undefined {
  if (!m || typeof m !== 'object') return undefined;
  return Object.fromEntries(Object.entries(m).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
}
