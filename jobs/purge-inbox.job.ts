import type { InboxRepository } from '../src/adapters/mongo/inbox-repository.js';
import type { Clock } from '../src/clock.js';
import type { Logger } from '../src/logger.js';
import type { JobSpec } from './job-spec.js';

/** Drops processed-message ids past the retention window (the dedupe horizon is days, not forever). */
export function purgeInboxJob(deps: { inbox: InboxRepository; clock: Clock; retentionDays: number; logger: Logger }): JobSpec {
  return {
    name: 'purge-inbox',
    every: { interval: '0 4 * * *' },
    concurrency: 1,
    handler: async () => {
      const cutoff = new Date(deps.clock.now().getTime() - deps.retentionDays * 86_400_000);
      const removed = await deps.inbox.purgeOlderThan(cutoff);
      deps.logger.info({ removed, cutoff }, 'purge-inbox: done');
    },
  };
}
