import { Counter, Gauge, type Registry } from 'prom-client';

/**
 * Activity-chain metrics, on the service's registry (one per instance, like the rest). Registering twice
 * on one registry (a caller sharing its Metrics between two services) reuses the existing metrics.
 */
export function createActivityMetrics(registry: Registry) {
  const existing = registry.getSingleMetric('trichain_activity_records_total');
  if (existing) return (registry as Registry & { [CACHE]?: ActivityMetrics })[CACHE]!;
  const metrics = build(registry);
  (registry as Registry & { [CACHE]?: ActivityMetrics })[CACHE] = metrics;
  return metrics;
}

const CACHE = Symbol('activityMetrics');

function build(registry: Registry) {
  return {
    records: new Counter({
      name: 'trichain_activity_records_total',
      help: 'Activity records received, by source and outcome (created, updated, unchanged, stale, parked, invalid)',
      labelNames: ['source', 'outcome'] as const,
      registers: [registry],
    }),
    unmatched: new Counter({
      name: 'trichain_activity_unmatched_records_total',
      help: 'Records parked because their owner is not a known DingTalk person (see 未匹配 in chat), by system',
      labelNames: ['system'] as const,
      registers: [registry],
    }),
    deals: new Counter({
      name: 'trichain_deal_records_total',
      help: 'Deal records received, by outcome (written, unchanged, stale, parked)',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    syncLag: new Gauge({
      name: 'trichain_sync_lag_seconds',
      help: 'How far behind now each connector’s stored position is, by connector',
      labelNames: ['connector'] as const,
      registers: [registry],
    }),
    webhookRejected: new Counter({
      name: 'trichain_activity_webhook_rejected_total',
      help: 'Webhook calls refused, by reason (signature, timestamp, size, json, validation, content_type)',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
  };
}

export type ActivityMetrics = ReturnType<typeof build>;
