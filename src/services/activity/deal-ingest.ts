import type { PersonRef } from '../../domain/activity/types.js';
import type { DealInput } from '../../domain/crm/salesforce-records.js';
import type { DealStore } from '../../adapters/mongo/deal-store.js';
import type { IdentityResolver } from '../../adapters/mongo/identity-resolver.js';
import type { UnmatchedStore } from '../../adapters/mongo/unmatched-store.js';
import type { ActivityMetrics } from './activity-metrics.js';

export type OwnedDeal = DealInput & { owner: Extract<PersonRef, { kind: 'external' }> };

/** Deals from the CRM: owner resolved like activities (or parked), then stored for the outcome chain. */
export class DealIngest {
  constructor(
    private readonly d: { store: DealStore; identity: IdentityResolver; unmatched: UnmatchedStore; metrics: ActivityMetrics },
    private readonly source = 'salesforce',
  ) {}

  /** `park: false` when replaying parked deals (a still-unmatched one stays as it was). */
  async ingest(deals: readonly OwnedDeal[], opts: { park?: boolean } = {}): Promise<{ written: number; unchanged: number; stale: number; parked: number }> {
    const people = await this.d.identity.resolve(deals.map((x) => x.owner));
    const known = deals.flatMap((x, i) => (people[i] ? [{ ...x, personId: people[i]! }] : []));
    const parked = deals.filter((_, i) => !people[i]);
    if (opts.park !== false) await this.d.unmatched.park(
      parked.map((x) => ({
        kind: 'deal' as const,
        source: this.source,
        sourceId: x.sourceId,
        ref: { system: x.owner.system, externalUserId: x.owner.id, ...(x.owner.email ? { externalEmail: x.owner.email.toLowerCase() } : {}), ...(x.owner.name ? { externalName: x.owner.name } : {}) },
        payload: x,
      })),
    );
    if (opts.park !== false) for (const p of parked) this.d.metrics.unmatched.inc({ system: p.owner.system });
    const w = await this.d.store.write(this.source, known.map(({ owner: _o, ...rest }) => rest));
    for (const [outcome, n] of Object.entries({ written: w.written, unchanged: w.unchanged, stale: w.stale, parked: parked.length })) if (n) this.d.metrics.deals.inc({ outcome }, n);
    return { ...w, parked: parked.length };
  }
}
