import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { say } from '../../src/fake-dingtalk/people.js';
import { eventually, startHarness, type Harness } from '../helpers/service-harness.js';

describe('health, readiness and metrics over HTTP', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.stop();
  });

  it('is healthy and ready when the database answers and the stream is connected', async () => {
    expect((await fetch(`${h.service.httpUrl}/healthz`)).status).toBe(200);
    const ready = await fetch(`${h.service.httpUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { database: true, stream: true } });
  });

  it('counts handled messages and OpenAPI calls by status in Prometheus text', async () => {
    h.fake.injectFault({ match: 'robot.sessionWebhook', status: 503, times: 1 });
    say(h.fake, { userId: 'rep01', text: '帮助' });
    await h.fake.outbox.waitFor((d) => d.conversation === 'user:rep01', 10_000);
    // The reply reaches the chat before the handler finishes its bookkeeping; wait for the count.
    const text = await eventually(
      async () => (await fetch(`${h.service.httpUrl}/metrics`)).text(),
      (t) => /trichain_messages_handled_total\{kind="message",outcome="ok"\} 1/.test(t),
    );
    expect(text).toMatch(/trichain_openapi_calls_total\{endpoint="robot.sessionWebhook",status="503"\} 1/);
    expect(text).toMatch(/trichain_openapi_calls_total\{endpoint="robot.sessionWebhook",status="200"\} 1/);
    expect(text).toMatch(/trichain_stream_connected 1/);
    expect(text).toMatch(/trichain_stream_ack_latency_seconds_count \d+/);
  });

  it('counts job runs', async () => {
    await h.service.agenda.now('purge-inbox');
    const text = await eventually(
      async () => (await fetch(`${h.service.httpUrl}/metrics`)).text(),
      (t) => /trichain_job_runs_total\{job="purge-inbox",outcome="success"\} 1/.test(t),
      10_000,
    );
    expect(text).toMatch(/trichain_job_runs_total\{job="purge-inbox",outcome="success"\} 1/);
  });

  it('is not ready once the stream is down', async () => {
    await h.service.transport.stop();
    const ready = await fetch(`${h.service.httpUrl}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ checks: { database: true, stream: false } });
  });
});
