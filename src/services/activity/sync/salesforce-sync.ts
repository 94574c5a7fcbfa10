import type { SalesforceClient } from '../../../adapters/salesforce/salesforce-client.js';
import type { CrmAccountStore } from '../../../adapters/mongo/crm-account-store.js';
import type { SyncCursorStore } from '../../../adapters/mongo/sync-cursor-store.js';
import type { Clock } from '../../../clock.js';
import type { ActivityInput } from '../../../domain/activity/types.js';
import {
  accountFromRecord,
  eventToActivity,
  modstampOf,
  opportunityToDeal,
  taskToActivity,
  type Mapped,
  type SfMappingOptions,
  type SfRecord,
} from '../../../domain/crm/salesforce-records.js';
import type { Logger } from '../../../logger.js';
import type { ActivityMetrics } from '../activity-metrics.js';
import type { DealIngest } from '../deal-ingest.js';
import type { ActivityIngest } from '../ingest.js';
import { addStats, emptyStats, recordRun, type RunControl, type SyncStats } from './sync-types.js';

export type SfObject = 'Account' | 'Opportunity' | 'Event' | 'Task';

/**
 * Keyset position in "ORDER BY SystemModstamp, Id": every record up to (modstamp, id) is stored.
 * `inProgress`: a run was interrupted, continue exactly here; otherwise the next run starts a little
 * earlier (LOOKBACK) to catch records whose SystemModstamp was set before they became visible.
 */
export interface SfCursor {
  modstamp: string;
  id: string;
  inProgress: boolean;
}

const LOOKBACK_MS = 5 * 60_000;
const EPOCH = '1970-01-01T00:00:00.000Z';
const SF_ID = /^[a-zA-Z0-9]{15,18}$/;

export interface SalesforceSyncDeps {
  client: SalesforceClient;
  ingest: ActivityIngest;
  deals: DealIngest;
  accounts: CrmAccountStore;
  cursors: SyncCursorStore;
  mapping: SfMappingOptions;
  clock: Clock;
  /** Events and Tasks modified before this are not fetched on the first run (deals and accounts always are). */
  backfillFrom: Date;
  metrics: ActivityMetrics;
  logger: Logger;
  objects?: readonly SfObject[];
}

/**
 * Salesforce → accounts, deals, activities. One keyset query per object from its stored position,
 * following nextRecordsUrl; the position is saved after each page is stored, so a crash loses nothing
 * and repeats at most one page (idempotent). Accounts first: activities look their customer up.
 */
export class SalesforceSync {
  private readonly owners = new Map<string, { email?: string; name?: string }>();

  constructor(private readonly d: SalesforceSyncDeps) {}

  static cursorId(object: SfObject): string {
    return `salesforce:${object}`;
  }

  async run(ctl: RunControl = {}): Promise<Record<SfObject, SyncStats>> {
    const started = Date.now();
    const out = {} as Record<SfObject, SyncStats>;
    const failures: string[] = [];
    this.owners.clear(); // emails can change between runs
    for (const object of this.d.objects ?? (['Account', 'Opportunity', 'Event', 'Task'] as const)) {
      try {
        out[object] = await recordRun(this.d.cursors, SalesforceSync.cursorId(object), () => this.syncObject(object, ctl, started));
      } catch (err) {
        // One object failing (no permission on Event, say) must not stop the others.
        failures.push(`${object}: ${err instanceof Error ? err.message : String(err)}`);
        this.d.logger.error({ err, object }, 'salesforce sync: object failed');
      }
    }
    if (failures.length) throw new Error(`salesforce sync failed for ${failures.join('; ')}`);
    return out;
  }

  private async syncObject(object: SfObject, ctl: RunControl, started: number): Promise<SyncStats> {
    const stats = emptyStats();
    const id = SalesforceSync.cursorId(object);
    const initial = object === 'Event' || object === 'Task' ? this.d.backfillFrom.toISOString() : EPOCH;
    let cur: SfCursor = (await this.d.cursors.load<SfCursor>(id)) ?? { modstamp: initial, id: '', inProgress: false };
    if (!cur.inProgress) {
      cur = { modstamp: new Date(Math.max(Date.parse(initial), Date.parse(cur.modstamp) - (cur.id ? LOOKBACK_MS : 0))).toISOString(), id: '', inProgress: true };
      await this.d.cursors.save(id, cur);
    }
    for await (const page of this.d.client.query(this.soql(object, cur), { all: true })) {
      await this.handle(object, page.records, stats);
      stats.pages++;
      stats.records += page.records.length;
      const last = [...page.records].reverse().map(modstampOf).find((x) => x !== undefined);
      if (last) {
        cur = { modstamp: last.modstamp, id: last.id, inProgress: true };
        await this.d.cursors.save(id, cur);
        this.d.metrics.syncLag.set({ connector: id }, Math.max(0, (this.d.clock.now().getTime() - Date.parse(last.modstamp)) / 1000));
      }
      await ctl.heartbeat?.();
      if (Date.now() - started > (ctl.budgetMs ?? 240_000)) {
        stats.more = true;
        return stats; // inProgress stays true: the next run continues right here
      }
    }
    await this.d.cursors.save(id, { ...cur, inProgress: false });
    return stats;
  }

  private soql(object: SfObject, cur: SfCursor): string {
    const ts = cur.modstamp.replace(/\.\d{3}Z$/, 'Z');
    const where = cur.id ? `(SystemModstamp > ${ts} OR (SystemModstamp = ${ts} AND Id > '${cur.id}'))` : `SystemModstamp >= ${ts}`;
    return `SELECT ${FIELDS[object](this.d.mapping).join(', ')} FROM ${object} WHERE ${where} ORDER BY SystemModstamp ASC, Id ASC`;
  }

  private async handle(object: SfObject, records: SfRecord[], stats: SyncStats): Promise<void> {
    if (object === 'Account') {
      const accounts = records.map(accountFromRecord).flatMap((m) => this.valid(object, m));
      await this.d.accounts.upsert('salesforce', accounts);
      stats.updated += accounts.length;
      return;
    }
    const owners = await this.ownersOf(records.map((r) => r.OwnerId).filter((o): o is string => typeof o === 'string'));
    const ownerRef = (ownerId: string) => ({ kind: 'external' as const, system: 'salesforce', id: ownerId, ...owners.get(ownerId) });
    if (object === 'Opportunity') {
      const deals = records.map((r) => opportunityToDeal(r, this.d.mapping)).flatMap((m) => this.valid(object, m));
      addStats(stats, await this.d.deals.ingest(deals.map((x) => ({ ...x, owner: ownerRef(x.ownerId) }))));
      return;
    }
    const map = object === 'Event' ? eventToActivity : taskToActivity;
    const inputs: ActivityInput[] = records
      .map((r) => map(r, this.d.mapping))
      .flatMap((m) => this.valid(object, m))
      .map((a) => (a.person.kind === 'external' ? { ...a, person: ownerRef(a.person.id) } : a));
    addStats(stats, await this.d.ingest.ingest(inputs, { reconcile: 'inline' }));
  }

  private valid<T>(object: SfObject, m: Mapped<T>): T[] {
    if (m.ok) return [m.value];
    this.d.metrics.records.inc({ source: 'salesforce', outcome: 'invalid' });
    this.d.logger.warn({ object, error: m.error }, 'salesforce sync: record skipped');
    return [];
  }

  /** Owner emails for identity matching; User records are fetched once per run, 100 ids a query. */
  private async ownersOf(ids: string[]): Promise<Map<string, { email?: string; name?: string }>> {
    const missing = [...new Set(ids)].filter((i) => !this.owners.has(i) && SF_ID.test(i));
    for (let i = 0; i < missing.length; i += 100) {
      const chunk = missing.slice(i, i + 100);
      for (const c of chunk) this.owners.set(c, {}); // a queue or an inactive user may not come back
      const soql = `SELECT Id, Name, Email FROM User WHERE Id IN (${chunk.map((c) => `'${c}'`).join(', ')})`;
      for await (const page of this.d.client.query(soql)) {
        for (const u of page.records) {
          if (typeof u.Id !== 'string') continue;
          this.owners.set(u.Id, { ...(typeof u.Email === 'string' ? { email: u.Email } : {}), ...(typeof u.Name === 'string' ? { name: u.Name } : {}) });
        }
      }
    }
    return this.owners;
  }
}

const FIELDS: Record<SfObject, (m: SfMappingOptions) => string[]> = {
  Account: () => ['Id', 'Name', 'Industry', 'Type', 'BillingStreet', 'BillingCity', 'BillingState', 'BillingCountry', 'BillingLatitude', 'BillingLongitude', 'ShippingLatitude', 'ShippingLongitude', 'IsDeleted', 'SystemModstamp'],
  Opportunity: () => ['Id', 'Name', 'AccountId', 'OwnerId', 'StageName', 'Amount', 'CloseDate', 'IsClosed', 'IsWon', 'Type', 'Probability', 'IsDeleted', 'CreatedDate', 'LastModifiedDate', 'SystemModstamp'],
  Event: () => ['Id', 'OwnerId', 'WhoId', 'WhatId', 'AccountId', 'Subject', 'Location', 'Type', 'StartDateTime', 'EndDateTime', 'ActivityDateTime', 'ActivityDate', 'DurationInMinutes', 'IsAllDayEvent', 'IsDeleted', 'SystemModstamp'],
  Task: (m) => [...new Set(['Id', 'OwnerId', 'WhoId', 'WhatId', 'AccountId', 'Subject', 'ActivityDate', 'Status', 'IsClosed', 'CallDurationInSeconds', 'TaskSubtype', m.taskTypeField, 'IsDeleted', 'CreatedDate', 'SystemModstamp'])],
};
