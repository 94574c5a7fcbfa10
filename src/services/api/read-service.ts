import { createHash } from 'node:crypto';
import { ObjectId, type Collection, type Document, type Filter as MongoFilter } from 'mongodb';
import type { Models } from '../../adapters/mongo/models/index.js';
import { decodeCursor, encodeCursor } from '../../domain/api/cursor.js';
import { reportsUnder } from '../../domain/org/access.js';
import { REPORT_KIND } from '../weekly-report/report-sender.js';
import type { KeyScope } from './api-keys.js';
import { liveAlignments } from './live-alignment.js';
import { toActivity, toDeal, toGoal, toPack, toPerson, toQuarter, toWeeklyReport } from './mappers.js';
import { RESOURCES, type ResourceName } from './schemas.js';

/**
 * The ledger kind the pre-review pack (src/services/review-pack/pack-sender.ts, PACK_KIND) sends its parts
 * under: period = quarter, recipient = the team's manager. Like the weekly report, what was sent is
 * whatever the ledger says was sent.
 */
export const PACK_LEDGER_KIND = 'review-pack';
export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;

/** A refusal with its HTTP status; the route turns it into `{ error, message }`. */
export class ApiRequestError extends Error {
  constructor(
    readonly status: 400 | 403,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface Page {
  data: unknown[];
  nextCursor: string | null;
}

interface ResourceSource {
  collection: () => Collection;
  /** The field holding the person a record belongs to (team scope and ?person=), if any. */
  personField?: string;
  /** Extra condition every query of the resource carries. */
  base?: MongoFilter<Document>;
  /** The condition for ?quarter= (resources without it don't accept the filter). */
  quarter?: (quarterId: string) => Promise<MongoFilter<Document>>;
  map: (docs: Document[]) => Promise<unknown[]>;
}

/**
 * GET /api/v1/<resource>: filters, the key's scope and keyset paging over one collection each.
 * Reads the collections directly (lean, no mongoose casting) and maps each document to its API shape.
 */
export class ApiReadService {
  private readonly sources: Record<ResourceName, ResourceSource>;

  constructor(private readonly m: Models) {
    const byField = (field: string) => async (q: string) => ({ [field]: q });
    this.sources = {
      people: { collection: () => m.Person.collection as unknown as Collection, personField: '_id', map: async (d) => d.map(toPerson) },
      quarters: { collection: () => m.Quarter.collection as unknown as Collection, quarter: byField('_id'), map: async (d) => d.map(toQuarter) },
      goals: {
        collection: () => m.Goal.collection as unknown as Collection,
        personField: 'ownerId',
        quarter: byField('quarterId'),
        // Alignment as the chat views show it, checked now; never the check stored at submission.
        map: async (d) => {
          const live = await liveAlignments(m, d);
          const now = new Date();
          return d.map((g) => toGoal(g, live.get(String(g._id)) ?? null, now));
        },
      },
      activities: { collection: () => m.Activity.collection as unknown as Collection, personField: 'personId', quarter: byField('quarterId'), map: async (d) => d.map(toActivity) },
      deals: { collection: () => m.Deal.collection as unknown as Collection, personField: 'personId', quarter: byField('quarterId'), map: async (d) => d.map(toDeal) },
      'weekly-reports': {
        collection: () => m.Delivery.collection as unknown as Collection,
        personField: 'recipientId',
        base: { kind: REPORT_KIND },
        // The ledger is keyed by week; the report runs say which quarter a week's reports were for.
        quarter: async (q) => ({ period: { $in: (await m.ReportRun.distinct('week', { quarterId: q })) as string[] } }),
        map: async (docs) => {
          const weeks = [...new Set(docs.map((d) => String(d.period)))];
          const runs = weeks.length ? await m.ReportRun.find({ week: { $in: weeks } }, { week: 1, quarterId: 1 }).lean() : [];
          const quarterOf = new Map(runs.map((r) => [r.week, r.quarterId]));
          return docs.map((d) => toWeeklyReport(d, quarterOf.get(String(d.period)) ?? null));
        },
      },
      packs: { collection: () => m.Delivery.collection as unknown as Collection, personField: 'recipientId', base: { kind: PACK_LEDGER_KIND }, quarter: byField('period'), map: async (d) => d.map(toPack) },
    };
  }

  async list(resource: ResourceName, scope: KeyScope, query: Record<string, string | string[] | undefined>): Promise<Page> {
    const spec = RESOURCES[resource];
    const src = this.sources[resource];
    const allowed = new Set<string>([...spec.filters, 'cursor', 'limit']);
    for (const [k, v] of Object.entries(query)) {
      if (!allowed.has(k)) throw new ApiRequestError(400, 'unknown_parameter', `unknown query parameter "${k}"; ${resource} accepts ${[...allowed].join(', ')}`);
      if (Array.isArray(v)) throw new ApiRequestError(400, 'repeated_parameter', `give "${k}" once`);
    }
    const q = query as Record<string, string | undefined>;
    const limit = parseLimit(q.limit);
    const and: MongoFilter<Document>[] = [];
    if (src.base) and.push(src.base);

    if (q.quarter !== undefined) {
      if (!/^\d{4}Q[1-4]$/.test(q.quarter)) throw new ApiRequestError(400, 'bad_quarter', `quarter must look like 2026Q4, got "${q.quarter}"`);
      if (src.quarter) and.push(await src.quarter(q.quarter));
    }
    if (q.updatedSince !== undefined) {
      const t = Date.parse(q.updatedSince);
      if (!/^\d{4}-\d{2}-\d{2}T/.test(q.updatedSince) || Number.isNaN(t)) throw new ApiRequestError(400, 'bad_updated_since', `updatedSince must be an ISO 8601 date-time such as 2026-10-01T00:00:00Z, got "${q.updatedSince}"`);
      and.push({ updatedAt: { $gte: new Date(t) } });
    }
    const people = await this.peopleFilter(scope, q.team, q.person);
    if (people && src.personField) and.push({ [src.personField]: { $in: people } });

    const fingerprint = createHash('sha256')
      .update(JSON.stringify([resource, scope, q.quarter ?? null, q.team ?? null, q.person ?? null, q.updatedSince ?? null]))
      .digest('base64url')
      .slice(0, 16);
    if (q.cursor !== undefined) {
      const c = decodeCursor(q.cursor, fingerprint);
      if (!c.ok) throw new ApiRequestError(400, 'bad_cursor', c.message);
      const at = new Date(c.key.updatedAt);
      const id: unknown = c.key.objectId ? new ObjectId(c.key.id) : c.key.id;
      and.push({ $or: [{ updatedAt: { $gt: at } }, { updatedAt: at, _id: { $gt: id } }] } as MongoFilter<Document>);
    }

    const docs = await src
      .collection()
      .find(and.length ? { $and: and } : {})
      .sort({ updatedAt: 1, _id: 1 })
      .limit(limit + 1)
      .toArray();
    const more = docs.length > limit;
    const pageDocs = more ? docs.slice(0, limit) : docs;
    const last = pageDocs.at(-1);
    const nextCursor =
      more && last
        ? encodeCursor({ updatedAt: (last.updatedAt as Date).getTime(), id: String(last._id), objectId: last._id instanceof ObjectId }, fingerprint)
        : null;
    return { data: await src.map(pageDocs), nextCursor };
  }

  /**
   * Which people a request may see, or undefined for "no restriction". A team key sees its manager and
   * everyone under them on today's reporting lines; asking for another team or person is refused, not
   * silently narrowed, so IT notices a misconfigured key.
   */
  private async peopleFilter(scope: KeyScope, team: string | undefined, person: string | undefined): Promise<string[] | undefined> {
    if (scope.kind === 'all' && team === undefined && person === undefined) return undefined;
    const lines = await this.m.Person.find({}, { managerId: 1 }).lean();
    const direct = new Map<string, string[]>();
    for (const p of lines) {
      if (!p.managerId) continue;
      const list = direct.get(p.managerId) ?? [];
      list.push(p._id);
      direct.set(p.managerId, list);
    }
    const teamOf = (managerId: string) => [managerId, ...reportsUnder(managerId, (id) => direct.get(id) ?? [])];
    let visible: string[] | undefined = scope.kind === 'team' ? teamOf(scope.managerId) : undefined;
    const inScope = (id: string) => visible === undefined || visible.includes(id);
    if (team !== undefined) {
      if (!lines.some((p) => p._id === team)) throw new ApiRequestError(400, 'unknown_team', `no person with userid "${team}" (team is the manager's userid)`);
      if (!inScope(team)) throw new ApiRequestError(403, 'out_of_scope', `this key may read the team of ${scopeManager(scope)} only, not the team of ${team}`);
      visible = teamOf(team);
    }
    if (person !== undefined) {
      if (!inScope(person)) throw new ApiRequestError(403, 'out_of_scope', `this key may read the team of ${scopeManager(scope)} only; ${person} is not in it`);
      visible = [person];
    }
    return visible;
  }
}

const scopeManager = (s: KeyScope) => (s.kind === 'team' ? s.managerId : 'everyone');

function parseLimit(v: string | undefined): number {
  if (v === undefined) return DEFAULT_LIMIT;
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < 1 || n > MAX_LIMIT) throw new ApiRequestError(400, 'bad_limit', `limit must be a whole number from 1 to ${MAX_LIMIT}, got "${v}"`);
  return n;
}
