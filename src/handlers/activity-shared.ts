import type { ActivityModule } from '../services/activity/activity-module.js';
import type { Person } from '../adapters/mongo/people-repository.js';
import type { MessageContext } from '../bot/bot.js';
import type { Viewer } from '../domain/org/access.js';
import type { HandlerDeps } from './index.js';
import { echoArg } from '../domain/text/cut.js';

export type ActivityHandlerDeps = HandlerDeps & { activity: ActivityModule };

/** Who is asking: their role in the directory, or HR when configured so (HR_USER_IDS). */
export async function viewerOf(d: ActivityHandlerDeps, userId: string): Promise<Viewer & { person: Person | null }> {
  const person = await d.activity.people.get(userId);
  const role = d.config.hrUserIds.includes(userId) ? 'hr' : (person?.role ?? 'rep');
  return { id: userId, role, person };
}

export type PersonLookup = { kind: 'found'; person: Person } | { kind: 'none' } | { kind: 'ambiguous'; people: Person[] };

/** A colleague named in a message: an @-mention, a userid, or a unique name. */
export async function findPerson(d: ActivityHandlerDeps, ctx: MessageContext, text: string): Promise<PersonLookup> {
  const mentioned = ctx.event.atStaffIds[0];
  const key = mentioned ?? text.trim().replace(/^@/, '');
  const byId = await d.activity.people.get(key);
  if (byId) return { kind: 'found', person: byId };
  const byName = (await d.models.Person.find({ name: key, isActive: true }).lean()) as Person[];
  if (byName.length === 1) return { kind: 'found', person: byName[0]! };
  return byName.length ? { kind: 'ambiguous', people: byName } : { kind: 'none' };
}

export function personNotFound(ctx: MessageContext, text: string, found: PersonLookup): string {
  if (found.kind === 'ambiguous') {
    const ids = found.people.map((p) => `${p.name}（${p._id}）`).join('、');
    return ctx.lang === 'en' ? `Several people are called ${echoArg(text)}: ${ids}. Use their userid.` : `有 ${found.people.length} 位同事叫「${echoArg(text)}」：${ids}。请用 userid 指定。`;
  }
  return ctx.lang === 'en' ? `I could not find a colleague called "${echoArg(text)}".` : `没有找到叫「${echoArg(text)}」的同事。`;
}
