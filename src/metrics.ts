import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** One registry per service instance, so tests can run several instances in one process. */
export function createMetrics(opts: { defaultMetrics?: boolean } = {}) {
  const registry = new Registry();
  if (opts.defaultMetrics) collectDefaultMetrics({ register: registry, prefix: 'trichain_' });
  const metrics = {
    registry,
    messagesHandled: new Counter({
      name: 'trichain_messages_handled_total',
      help: 'Inbound DingTalk frames handled, by kind (message, card) and outcome (ok, duplicate, error)',
      labelNames: ['kind', 'outcome'] as const,
      registers: [registry],
    }),
    framesAcked: new Counter({
      name: 'trichain_stream_frames_acked_total',
      help: 'Stream frames acknowledged, by topic',
      labelNames: ['topic'] as const,
      registers: [registry],
    }),
    ackLatency: new Histogram({
      name: 'trichain_stream_ack_latency_seconds',
      help: 'Time from frame arrival to ack',
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [registry],
    }),
    streamConnected: new Gauge({
      name: 'trichain_stream_connected',
      help: '1 while the DingTalk stream socket is open and registered',
      registers: [registry],
    }),
    streamReconnects: new Counter({
      name: 'trichain_stream_reconnects_total',
      help: 'Stream reconnect attempts',
      registers: [registry],
    }),
    openApiCalls: new Counter({
      name: 'trichain_openapi_calls_total',
      help: 'Calls to DingTalk OpenAPI (and other external HTTP APIs), by endpoint and HTTP status (or "error" for network failures)',
      labelNames: ['endpoint', 'status'] as const,
      registers: [registry],
    }),
    jobRuns: new Counter({
      name: 'trichain_job_runs_total',
      help: 'Agenda job runs, by job name and outcome',
      labelNames: ['job', 'outcome'] as const,
      registers: [registry],
    }),
    deliveryFailures: new Gauge({
      name: 'trichain_delivery_failed_recipients',
      help: 'Recipients whose last delivery attempt failed after retries, by report kind (retried on the next run)',
      labelNames: ['kind'] as const,
      registers: [registry],
    }),
  };
  return metrics;
}

export type Metrics = ReturnType<typeof createMetrics>;
