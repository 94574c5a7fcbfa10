import type { PersonRef } from '../../domain/activity/types.js';
import type { Models } from './models/index.js';

/**
 * Who a record belongs to, as a DingTalk userid. In order: HR's mapping table (chat), the configured
 * mapping (env), the person's email in the org directory. Anything else is unmatched and reported.
 */
export class IdentityResolver {
  constructor(
    private readonly m: Pick<Models, 'Person' | 'UserMapping'>,
    /** "<system>:<external id>" → userid, from configuration. */
    private readonly configured: ReadonlyMap<string, string> = new Map(),
  ) {}

  async resolve(refs: readonly PersonRef[]): Promise<Array<string | undefined>> {
    const userIds = new Set<string>();
    const emails = new Set<string>();
    const mappingKeys = new Set<string>();
    for (const r of refs) {
      if (r.kind === 'userId') userIds.add(r.userId);
      else if (r.kind === 'email') {
        emails.add(r.email.toLowerCase());
        mappingKeys.add(`email:${r.email.toLowerCase()}`);
      } else {
        mappingKeys.add(`${r.system}:${r.id}`);
        if (r.email) emails.add(r.email.toLowerCase());
      }
    }
    const [known, byEmail, mapped] = await Promise.all([
      userIds.size ? this.m.Person.find({ _id: { $in: [...userIds] } }, { _id: 1 }).lean() : [],
      emails.size ? this.m.Person.find({ email: { $in: [...emails] }, isActive: true }, { _id: 1, email: 1 }).lean() : [],
      mappingKeys.size ? this.m.UserMapping.find({ _id: { $in: [...mappingKeys] } }, { _id: 1, personId: 1 }).lean() : [],
    ]);
    const knownIds = new Set(known.map((p) => String(p._id)));
    const emailTo = new Map(byEmail.map((p) => [String(p.email), String(p._id)]));
    const mapTo = new Map(mapped.map((x) => [String(x._id), x.personId]));
    const viaMapping = (key: string) => mapTo.get(key) ?? this.configured.get(key);
    return refs.map((r) => {
      if (r.kind === 'userId') return knownIds.has(r.userId) ? r.userId : undefined;
      if (r.kind === 'email') return viaMapping(`email:${r.email.toLowerCase()}`) ?? emailTo.get(r.email.toLowerCase());
      return viaMapping(`${r.system}:${r.id}`) ?? (r.email ? emailTo.get(r.email.toLowerCase()) : undefined);
    });
  }

  /** Every userid and email → userid, for a bulk import that resolves a million rows without a query each. */
  async snapshot(): Promise<{ resolveSync(ref: PersonRef): string | undefined }> {
    const [people, mappings] = await Promise.all([this.m.Person.find({}, { _id: 1, email: 1, isActive: 1 }).lean(), this.m.UserMapping.find({}).lean()]);
    const ids = new Set(people.map((p) => String(p._id)));
    const emails = new Map(people.filter((p) => p.email && p.isActive !== false).map((p) => [String(p.email), String(p._id)]));
    const mapTo = new Map<string, string>([...this.configured, ...mappings.map((x) => [String(x._id), x.personId] as [string, string])]);
    return {
      resolveSync(r) {
        if (r.kind === 'userId') return ids.has(r.userId) ? r.userId : undefined;
        if (r.kind === 'email') return mapTo.get(`email:${r.email.toLowerCase()}`) ?? emails.get(r.email.toLowerCase());
        return mapTo.get(`${r.system}:${r.id}`) ?? (r.email ? emails.get(r.email.toLowerCase()) : undefined);
      },
    };
  }
}

/** Parses "005xx=rep01,email:a@b.c=rep02" (SALESFORCE_USER_MAP); bare ids are Salesforce user ids. */
export function parseUserMap(text: string, defaultSystem = 'salesforce'): Map<string, string> {
  const m = new Map<string, string>();
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const eq = part.lastIndexOf('=');
    const key = part.slice(0, eq).trim();
    const person = part.slice(eq + 1).trim();
    if (key.toLowerCase().startsWith('email:')) m.set(key.toLowerCase(), person);
    else m.set(key.includes(':') ? key : `${defaultSystem}:${key}`, person);
  }
  return m;
}
