import type { FakeDingTalk } from '../../src/fake-dingtalk/fake-dingtalk.js';
import type { CardRecord } from '../../src/fake-dingtalk/types.js';

/** A clock tests can move (the service reads time only through it). */
export function testClock(start: Date): { now(): Date; set(d: Date): void; advance(ms: number): void } {
  let t = start.getTime();
  return {
    now: () => new Date(t),
    set: (d) => {
      t = d.getTime();
    },
    advance: (ms) => {
      t += ms;
    },
  };
}

/** Cards a person received in their 1:1 chat with the robot, with what the card holds. */
export function cardsTo(fake: FakeDingTalk, userId: string, templateSuffix?: string): CardRecord[] {
  return fake.outbox
    .toUser(userId)
    .filter((d) => d.type === 'card')
    .map((d) => fake.outbox.cards.get(d.outTrackId!)!)
    .filter((c) => !templateSuffix || c.templateId.endsWith(templateSuffix));
}

/** createAndDeliver calls per outTrackId (answered 200), to prove nobody even tried to send a card twice. */
export function cardCallsById(fake: FakeDingTalk): Map<string, number> {
  const out = new Map<string, number>();
  for (const c of fake.callsTo('card.createAndDeliver')) {
    if (c.status !== 200) continue;
    const id = (c.body as { outTrackId: string }).outTrackId;
    out.set(id, (out.get(id) ?? 0) + 1);
  }
  return out;
}

/** Most calls to `api` that fell into any window of `windowMs`. */
export function peakCallsPerWindow(fake: FakeDingTalk, api: string, windowMs = 1000): number {
  const at = fake.callsTo(api).map((c) => c.at).sort((a, b) => a - b);
  let peak = 0;
  for (let i = 0, j = 0; i < at.length; i++) {
    while (at[i]! - at[j]! >= windowMs) j++;
    peak = Math.max(peak, i - j + 1);
  }
  return peak;
}
