import { afterEach, describe, expect, it } from 'vitest';
import { startService, type Service } from '../../src/app.js';
import { readConfig } from '../../src/config.js';
import { FakeDingTalk } from '../../src/fake-dingtalk/fake-dingtalk.js';
import { starterOrg } from '../../src/fake-dingtalk/starter-org.js';
import { say } from '../../src/fake-dingtalk/people.js';
import { createLogger } from '../../src/logger.js';
import { eventually, mongoUriFor, uniqueDbName } from '../helpers/service-harness.js';

/** Issue 15.7: HTTP opens before DingTalk's stream gateway answers; /readyz says what it waits for. */
describe('listen first, then the stream', () => {
  let fake: FakeDingTalk | undefined;
  let service: Service | undefined;
  afterEach(async () => {
    await service?.stop();
    await fake?.stop();
  });

  it('serves health, metrics and the webhook while the gateway fails, then becomes ready once it answers', async () => {
    fake = await new FakeDingTalk().start();
    fake.org.load(starterOrg());
    // The gateway refuses the first connects, as an unreachable or overloaded DingTalk would.
    fake.injectFault({ match: 'gateway.open', status: 503, times: 3 });
    const config = readConfig({
      ...fake.env(),
      MONGODB_URI: mongoUriFor(uniqueDbName()),
      PORT: '0',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      ACTIVITY_WEBHOOK_SECRETS: 'listen-first-webhook-secret-0123456789-abc',
    });
    service = await startService(config, { logger: createLogger({ level: config.log.level }), jobPollMs: 300 });
    expect(service.transport.isConnected()).toBe(false);

    expect((await fetch(`${service.httpUrl}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${service.httpUrl}/metrics`)).text()).toMatch(/trichain_stream_connected 0/);
    // The webhook is open: an unsigned post is refused by the webhook itself, not by a closed port.
    const hook = await fetch(`${service.httpUrl}/api/v1/activities`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[]' });
    expect(hook.status).toBe(401);

    const notReady = await eventually(
      async () => (await (await fetch(`${service!.httpUrl}/readyz`)).json()) as { status: string; checks: Record<string, boolean>; waitingFor: Record<string, string> },
      (b) => /HTTP 503/.test(b.waitingFor?.stream ?? ''),
      10_000,
    );
    expect(notReady.status).toBe('not_ready');
    expect(notReady.checks).toEqual({ database: true, stream: false });
    expect(notReady.waitingFor.stream).toMatch(/attempt/);
    expect(notReady.waitingFor.stream).toMatch(/next try in \d+ s/);

    // It keeps trying with backoff: once the gateway answers, the stream connects and /readyz is ready.
    await service.streamReady;
    const opens = fake.callsTo('gateway.open').map((c) => c.status);
    expect(opens).toEqual([503, 503, 503, 200]);
    const ready = await fetch(`${service.httpUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { database: true, stream: true } });
    const { messageId } = say(fake, { userId: 'rep01', text: 'help' });
    await fake.stream.waitForAck(messageId);
  }, 30_000);
});
