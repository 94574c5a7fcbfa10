import { customerNameKey } from '../../domain/activity/customer-key.js';
import { factsOf, toContent, type ActivityContent } from '../../domain/activity/normalize.js';
import { evaluate } from '../../domain/activity/rules/evaluate.js';
import type { EvaluationContext } from '../../domain/activity/rules/rule-model.js';
import type { ActivityInput, PersonRef } from '../../domain/activity/types.js';
import type { ActivityStore, PreparedActivity } from '../../adapters/mongo/activity-store.js';
import type { WriteJournal } from '../../adapters/mongo/import-run-store.js';
import type { AccountInfo, CrmAccountStore } from '../../adapters/mongo/crm-account-store.js';
import type { IdentityResolver } from '../../adapters/mongo/identity-resolver.js';
import type { RuleStore } from '../../adapters/mongo/rule-store.js';
import type { ParkedRef, UnmatchedStore } from '../../adapters/mongo/unmatched-store.js';
import type { Logger } from '../../logger.js';
import type { ActivityMetrics } from './activity-metrics.js';
import { DirtyDays } from './dirty-days.js';
import type { Reconciler } from './reconciler.js';

export interface IngestOptions {
  /** 'inline': match visits across systems now (webhook, connector pages). 'defer': add the changed person-days to `dirty` (bulk import). */
  reconcile: 'inline' | 'defer';
  dirty?: DirtyDays;
  /** With 'defer': person-days of updated records that were in a match group (they need matching again whatever the other sources). */
  regroup?: DirtyDays;
  /** A preloaded identity map for bulk imports (no person queries per batch). */
  people?: { resolveSync(ref: PersonRef): string | undefined };
  /** A bulk import's memory of CRM account lookups, so a customer named on many rows is looked up once. */
  accounts?: AccountMemo;
  /** False when replaying parked records: one still unmatched stays parked as it was (its "last seen" unchanged). */
  park?: boolean;
  /** A CSV import run: what is written is tagged with it and what is changed kept for its rollback. */
  journal?: WriteJournal;
}

export interface IngestResult {
  created: number;
  updated: number;
  unchanged: number;
  stale: number;
  parked: number;
  /** Which inputs had no known owner, by index. */
  unmatched: Array<{ index: number; person: PersonRef }>;
}

/** A batch judged and ready to write (see ActivityIngest.prepare). */
export interface PreparedBatch {
  source: string;
  result: IngestResult;
  docs: PreparedActivity[];
  contexts: Map<string, EvaluationContext>;
}

export interface IngestDeps {
  store: ActivityStore;
  identity: IdentityResolver;
  accounts: CrmAccountStore;
  rules: RuleStore;
  unmatched: UnmatchedStore;
  reconciler: Reconciler;
  metrics: ActivityMetrics;
  zone: string;
  logger: Logger;
  /** Called when the rules of a quarter changed while a batch was being judged with the old ones. */
  onRulesChanged: (quarterId: string) => Promise<void>;
}

/**
 * The one way activities get stored, whatever their source: resolve the owner (or park the record),
 * tie the customer to a CRM account, bucket, judge by the quarter's rules, write idempotently, and
 * match visits across systems.
 */
export class ActivityIngest {
  constructor(private readonly d: IngestDeps) {}

  async ingest(inputs: readonly ActivityInput[], opts: IngestOptions): Promise<IngestResult> {
    return this.commit(await this.prepare(inputs, opts), opts);
  }

  /**
   * Everything before the write: owners resolved (unknown ones parked), customers tied to accounts,
   * contents bucketed and judged. A bulk import prepares the next batch while this one is written.
   */
  async prepare(inputs: readonly ActivityInput[], opts: IngestOptions): Promise<PreparedBatch> {
    const result: IngestResult = { created: 0, updated: 0, unchanged: 0, stale: 0, parked: 0, unmatched: [] };
    const batch: PreparedBatch = { source: inputs[0]?.source ?? 'webhook', result, docs: [], contexts: new Map() };
    if (inputs.length === 0) return batch;
    const people = opts.people ? inputs.map((i) => opts.people!.resolveSync(i.person)) : await this.d.identity.resolve(inputs.map((i) => i.person));
    const matched: Array<{ input: ActivityInput; personId: string }> = [];
    const parked: Parameters<UnmatchedStore['park']>[0][number][] = [];
    inputs.forEach((input, index) => {
      const personId = people[index];
      if (personId) matched.push({ input, personId });
      else {
        result.unmatched.push({ index, person: input.person });
        parked.push({ kind: 'activity', source: input.source, sourceId: input.sourceId, ref: parkedRef(input), payload: input });
      }
    });
    if (parked.length && opts.park !== false) {
      await this.d.unmatched.park(parked, opts.journal);
      result.parked = parked.length;
      for (const p of parked) this.d.metrics.unmatched.inc({ system: p.ref.system });
      this.d.logger.warn({ count: parked.length, users: [...new Set(parked.map((p) => p.ref.externalUserId ?? p.ref.externalEmail))].slice(0, 10) }, 'activities parked: owner is not a known person');
    }
    const contents = await this.withAccounts(matched, opts.accounts);
    for (const q of new Set(contents.map((c) => c.quarterId))) batch.contexts.set(q, (await this.d.rules.context(q)).ctx);
    // The contents are this batch's own objects: the verdict is added to them rather than to a copy of each.
    batch.docs = contents.map((c) => {
      const ctx = batch.contexts.get(c.quarterId)!;
      const verdict = evaluate(factsOf(c), ctx);
      return Object.assign(c, { counted: verdict.counted, reasons: verdict.reasons, ruleVersion: ctx.version });
    });
    return batch;
  }

  /** The write, then matching (now or deferred) and the check for a rule change made meanwhile. */
  async commit(batch: PreparedBatch, opts: IngestOptions): Promise<IngestResult> {
    const { result, contexts } = batch;
    if (batch.docs.length === 0 && result.parked === 0) return result;
    const w = await this.d.store.write(batch.docs, (doc) => evaluate(factsOf(doc), contexts.get(doc.quarterId)!), opts.journal);
    Object.assign(result, { created: w.created, updated: w.updated, unchanged: w.unchanged, stale: w.stale });

    const dirty = opts.dirty ?? new DirtyDays();
    const sources = new Map<string, { quarterId: string; source: string }>();
    for (const t of w.touched) {
      if (!this.d.reconciler.matchTypes.includes(t.type)) continue;
      sources.set(`${t.quarterId}\u0000${t.source}`, { quarterId: t.quarterId, source: t.source });
      dirty.add(t.personId, t.day);
      if (t.grouped) opts.regroup?.add(t.personId, t.day);
    }
    await this.d.reconciler.noteSources(sources.values());
    if (opts.reconcile === 'inline' && dirty.size) {
      await this.d.reconciler.reconcile(dirty);
      dirty.clear();
    }
    // A rule saved while this batch was judged: have the quarter re-evaluated (idempotent).
    for (const [q, ctx] of contexts) if ((await this.d.rules.versionNow(q)) !== ctx.version) await this.d.onRulesChanged(q);

    // Batches come from one source, except replays of parked records (counted under the first).
    for (const [outcome, n] of Object.entries({ created: w.created, updated: w.updated, unchanged: w.unchanged, stale: w.stale, parked: result.parked })) {
      if (n) this.d.metrics.records.inc({ source: batch.source, outcome }, n);
    }
    return result;
  }

  /** Contents with the customer tied to a CRM account: its id for check-ins, its coordinates for distance rules. */
  private async withAccounts(matched: Array<{ input: ActivityInput; personId: string }>, memo: AccountMemo | undefined): Promise<ActivityContent[]> {
    const needIds = new Set<string>();
    const needNames = new Set<string>();
    for (const { input } of matched) {
      const a = input.account;
      if (!a || a.location) continue;
      if (a.id && input.source === 'salesforce') needIds.add(a.id);
      else if (a.name) needNames.add(customerNameKey(a.name) ?? '');
    }
    needNames.delete('');
    const found = needIds.size || needNames.size ? await this.lookupAccounts(needIds, needNames, memo) : undefined;
    return matched.map(({ input, personId }) => {
      const a = input.account;
      const hit = found && a && !a.location ? ((a.id && input.source === 'salesforce' ? found.byId.get(a.id) : undefined) ?? (a.name ? found.byName.get(customerNameKey(a.name) ?? '') : undefined)) : undefined;
      if (!hit) return toContent(input, personId, { zone: this.d.zone });
      const account = { id: a?.id ?? hit.sourceId, name: a?.name ?? hit.name, ...(hit.location ? { location: hit.location } : {}) };
      return toContent({ ...input, account }, personId, { zone: this.d.zone });
    });
  }

  /** Accounts by id and name key: from the memo where it knows them (found or not), the rest from the database. */
  private async lookupAccounts(ids: Set<string>, names: Set<string>, memo: AccountMemo | undefined): Promise<{ byId: ReadonlyMap<string, AccountInfo>; byName: ReadonlyMap<string, AccountInfo> }> {
    if (!memo) return this.d.accounts.lookup([...ids], [...names]);
    const askIds = [...ids].filter((id) => !memo.byId.has(id));
    const askNames = [...names].filter((n) => !memo.byName.has(n));
    const known = memo.known(ids, names);
    if (askIds.length || askNames.length) {
      const found = await this.d.accounts.lookup(askIds, askNames);
      memo.remember(askIds, askNames, found);
      for (const [id, a] of found.byId) known.byId.set(id, a);
      for (const [n, a] of found.byName) known.byName.set(n, a);
    }
    return known;
  }
}

/**
 * What a bulk import learned about CRM accounts (null: no such account), as of the first row that named
 * each one — like the people snapshot it takes at the start. Bounded: forgets everything past `max` keys.
 */
export class AccountMemo {
  readonly byId = new Map<string, AccountInfo | null>();
  readonly byName = new Map<string, AccountInfo | null>();

  constructor(private readonly max = 100_000) {}

  remember(ids: readonly string[], names: readonly string[], found: { byId: ReadonlyMap<string, AccountInfo>; byName: ReadonlyMap<string, AccountInfo> }): void {
    if (this.byId.size + this.byName.size + ids.length + names.length > this.max) {
      this.byId.clear();
      this.byName.clear();
    }
    for (const id of ids) this.byId.set(id, found.byId.get(id) ?? null);
    for (const n of names) this.byName.set(n, found.byName.get(n) ?? null);
  }

  known(ids: Iterable<string>, names: Iterable<string>): { byId: Map<string, AccountInfo>; byName: Map<string, AccountInfo> } {
    const byId = new Map<string, AccountInfo>();
    const byName = new Map<string, AccountInfo>();
    for (const id of ids) {
      const a = this.byId.get(id);
      if (a) byId.set(id, a);
    }
    for (const n of names) {
      const a = this.byName.get(n);
      if (a) byName.set(n, a);
    }
    return { byId, byName };
  }
}

function parkedRef(input: ActivityInput): ParkedRef {
  const p = input.person;
  if (p.kind === 'external') return { system: p.system, externalUserId: p.id, ...(p.email ? { externalEmail: p.email.toLowerCase() } : {}), ...(p.name ? { externalName: p.name } : {}) };
  const system = input.source === 'webhook' || input.source === 'csv' ? (input.sourceId.split(':')[0] ?? input.source) : input.source;
  return p.kind === 'email' ? { system, externalEmail: p.email.toLowerCase() } : { system, externalUserId: p.userId };
}
