/**
 * Card outTrackIds of the goal chain. Deterministic, so asking twice for the same thing can't deliver two
 * cards: DingTalk ignores a second createAndDeliver with a known outTrackId. Ids are URI-encoded parts
 * joined by ':' so any userid survives the round trip.
 */
export type GoalCardRef =
  | { kind: 'goal'; quarterId: string; ownerId: string; version: number }
  | { kind: 'approval'; quarterId: string; ownerId: string; version: number; managerId: string }
  | { kind: 'quarter'; quarterId: string; userId: string; revision: number };

const enc = encodeURIComponent;

/** The goal card a person edits, as sent for `version`. */
export const goalCardId = (quarterId: string, ownerId: string, version: number) => `goal:${enc(quarterId)}:${enc(ownerId)}:v${version}`;

/** The approval card for one version, for one manager (a new manager after a reorg gets their own). */
export const approvalCardId = (quarterId: string, ownerId: string, version: number, managerId: string) =>
  `goal-approval:${enc(quarterId)}:${enc(ownerId)}:v${version}:${enc(managerId)}`;

export const quarterCardId = (quarterId: string, userId: string, revision: number) => `quarter-setup:${enc(quarterId)}:${enc(userId)}:r${revision}`;

export function parseCardId(id: string): GoalCardRef | undefined {
  const parts = id.split(':');
  const dec = (s: string | undefined) => {
    try {
      return s === undefined ? undefined : decodeURIComponent(s);
    } catch {
      return undefined;
    }
  };
  const num = (s: string | undefined, prefix: string) => (s && s.startsWith(prefix) && /^\d+$/.test(s.slice(1)) ? Number(s.slice(1)) : undefined);
  const [kind, q, who, ver, extra] = parts;
  const quarterId = dec(q);
  const person = dec(who);
  if (!quarterId || !person) return undefined;
  if (kind === 'goal' && parts.length === 4) {
    const version = num(ver, 'v');
    return version === undefined ? undefined : { kind: 'goal', quarterId, ownerId: person, version };
  }
  if (kind === 'goal-approval' && parts.length === 5) {
    const version = num(ver, 'v');
    const managerId = dec(extra);
    return version === undefined || !managerId ? undefined : { kind: 'approval', quarterId, ownerId: person, version, managerId };
  }
  if (kind === 'quarter-setup' && parts.length === 4) {
    const revision = num(ver, 'r');
    return revision === undefined ? undefined : { kind: 'quarter', quarterId, userId: person, revision };
  }
  return undefined;
}
