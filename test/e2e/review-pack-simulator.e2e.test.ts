import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type Service } from '../../src/app.js';
import { OffsetClock } from '../../src/clock.js';
import { readConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { eventually, mongoUriFor, uniqueDbName } from '../helpers/service-harness.js';

/** The simulator's 「跳到评审前 72 小时」 preset: the pack arrives in the demo team's group, downloadable. */
describe('simulator: the T−72h preset shows the pre-review pack in the team group', () => {
  let service: Service;
  let base: string;
  beforeAll(async () => {
    const config = readConfig({ DINGTALK_MODE: 'local', MONGODB_URI: mongoUriFor(uniqueDbName('simpack')), PORT: '0', LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent', DEMO_COMPANY_SIZE: '12', DEMO_SEED: '7' });
    service = await startService(config, { logger: createLogger({ level: config.log.level }), clock: new OffsetClock(), jobPollMs: 300 });
    base = `${service.httpUrl}/sim/api`;
    await service.demo!.ready;
  }, 120_000);
  afterAll(async () => {
    await service?.conn.db?.dropDatabase().catch(() => undefined);
    await service?.stop();
  });

  it('delivers one card, three charts and the CSV to the first team\'s group, and serves the CSV as a download', async () => {
    const group = service.demo!.company.manifest.teamGroupId;
    const res = await fetch(`${base}/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ preset: 'pre-review' }) });
    expect(res.status).toBe(200);
    const inGroup = () => service.localDingTalk!.outbox.inGroup(group);
    await eventually(inGroup, (ds) => ds.some((d) => d.type === 'file'), 60_000);
    expect(inGroup().filter((d) => d.type === 'card')).toHaveLength(1);
    expect(inGroup().filter((d) => d.type === 'image')).toHaveLength(3);
    const file = inGroup().find((d) => d.type === 'file')!;
    const dl = await fetch(`${base}/media/${encodeURIComponent(file.mediaId!)}`);
    expect(dl.headers.get('content-type')).toContain('text/csv');
    expect(dl.headers.get('content-disposition')).toContain(encodeURIComponent(file.fileName!));
    expect([...new Uint8Array(await dl.arrayBuffer()).slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const history = (await (await fetch(`${base}/history?as=${service.demo!.company.manifest.managerId}&conversation=group:${group}`)).json()) as Array<{ delivery?: { type: string } }>;
    expect(history.filter((i) => i.delivery?.type === 'file')).toHaveLength(1);
  }, 120_000);
});
