import type { Models } from '../../adapters/mongo/models/index.js';
import { ActivityStore } from '../../adapters/mongo/activity-store.js';
import { CrmAccountStore } from '../../adapters/mongo/crm-account-store.js';
import { DealStore } from '../../adapters/mongo/deal-store.js';
import { IdentityResolver } from '../../adapters/mongo/identity-resolver.js';
import { ImportRunStore } from '../../adapters/mongo/import-run-store.js';
import { RuleStore } from '../../adapters/mongo/rule-store.js';
import { SyncCursorStore } from '../../adapters/mongo/sync-cursor-store.js';
import { UnmatchedStore } from '../../adapters/mongo/unmatched-store.js';
import type { Clock } from '../../clock.js';
import { DEFAULT_MATCH, type MatchSettings } from '../../domain/activity/rules/rule-model.js';
import { typeAliases } from '../../domain/activity/rules/context.js';
import { parseRules } from '../../domain/activity/rules/rule-parser.js';
import type { ActivityInput } from '../../domain/activity/types.js';
import type { Logger } from '../../logger.js';
import type { ActivityMetrics } from './activity-metrics.js';
import { DealIngest, type OwnedDeal } from './deal-ingest.js';
import { ActivityIngest } from './ingest.js';
import { Reconciler } from './reconciler.js';
import { Reevaluator } from './reevaluator.js';

export interface ActivityCoreOptions {
  models: Models;
  zone: string;
  /** Rule text used for quarters HR has not configured (ACTIVITY_DEFAULT_RULES). */
  defaultRulesText: string;
  /** "<system>:<id>" → userid from configuration (SALESFORCE_USER_MAP). */
  userMap?: ReadonlyMap<string, string>;
  metrics: ActivityMetrics;
  logger: Logger;
  clock: Clock;
  match?: MatchSettings;
  /** Where a rule change mid-batch is reported (the module queues a re-evaluation job). */
  onRulesChanged?: (quarterId: string) => Promise<void>;
}

/** The activity chain's stores and services on one database, without jobs or HTTP: used by the service, the CSV CLI and the bench. */
export function createActivityCore(o: ActivityCoreOptions) {
  const now = () => o.clock.now();
  const parsed = parseRules(o.defaultRulesText, typeAliases());
  if (!parsed.ok) throw new Error(`ACTIVITY_DEFAULT_RULES: ${parsed.errors.map((e) => e.message).join('; ')}`);
  const rules = new RuleStore(o.models, { text: o.defaultRulesText, rules: parsed.rules }, now);
  const store = new ActivityStore(o.models, now);
  const identity = new IdentityResolver(o.models, o.userMap ?? new Map());
  const accounts = new CrmAccountStore(o.models);
  const unmatched = new UnmatchedStore(o.models, now);
  const cursors = new SyncCursorStore(o.models, now);
  const imports = new ImportRunStore(o.models, now);
  const deals = new DealStore(o.models, o.zone, now);
  const reconciler = new Reconciler(o.models, rules, o.match ?? DEFAULT_MATCH, now);
  const reevaluator = new Reevaluator(o.models, rules, now);
  let onRulesChanged = o.onRulesChanged ?? (async () => undefined);
  const ingest = new ActivityIngest({
    store,
    identity,
    accounts,
    rules,
    unmatched,
    reconciler,
    metrics: o.metrics,
    zone: o.zone,
    logger: o.logger.child({ component: 'activity-ingest' }),
    onRulesChanged: (q) => onRulesChanged(q),
  });
  const dealIngest = new DealIngest({ store: deals, identity, unmatched, metrics: o.metrics });

  /** Retries parked records (all, or one external user's): those whose owner is now known are stored. */
  async function replayUnmatched(match: Parameters<UnmatchedStore['recordsOf']>[0] = {}): Promise<{ stored: number; stillUnmatched: number }> {
    let stored = 0;
    let still = 0;
    const done: Array<{ kind: 'activity' | 'deal'; source: string; sourceId: string }> = [];
    for await (const page of unmatched.recordsOf(match)) {
      const acts = page.filter((p) => p.kind === 'activity');
      const ds = page.filter((p) => p.kind === 'deal');
      if (acts.length) {
        const r = await ingest.ingest(acts.map((p) => p.payload as ActivityInput), { reconcile: 'inline', park: false });
        const missed = new Set(r.unmatched.map((u) => u.index));
        acts.forEach((p, i) => (missed.has(i) ? still++ : done.push({ kind: 'activity', source: p.source, sourceId: p.sourceId })));
      }
      if (ds.length) {
        const resolved = await identity.resolve(ds.map((p) => (p.payload as OwnedDeal).owner));
        const r = await dealIngest.ingest(ds.map((p) => p.payload as OwnedDeal), { park: false });
        still += r.parked;
        ds.forEach((p, i) => resolved[i] && done.push({ kind: 'deal', source: p.source, sourceId: p.sourceId }));
      }
    }
    for (const kind of ['activity', 'deal'] as const) {
      const keys = done.filter((d) => d.kind === kind);
      await unmatched.release(kind, keys);
      stored += keys.length;
    }
    return { stored, stillUnmatched: still };
  }

  return {
    rules,
    store,
    identity,
    accounts,
    unmatched,
    cursors,
    imports,
    deals,
    reconciler,
    reevaluator,
    ingest,
    dealIngest,
    replayUnmatched,
    /** The module plugs its job queue in once Agenda exists. */
    setOnRulesChanged(fn: (quarterId: string) => Promise<void>) {
      onRulesChanged = fn;
    },
  };
}

export type ActivityCore = ReturnType<typeof createActivityCore>;
