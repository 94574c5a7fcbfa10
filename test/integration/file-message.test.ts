import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DingTalkApiError, DingTalkOpenApi } from '../../src/adapters/dingtalk/openapi-client.js';
import { TokenProvider } from '../../src/adapters/dingtalk/token-provider.js';
import { HttpClient } from '../../src/adapters/http/http-client.js';
import { createRateLimiter } from '../../src/adapters/http/rate-limiter.js';
import { DingTalkMessenger } from '../../src/adapters/dingtalk/dingtalk-messenger.js';
import { FakeDingTalk } from '../../src/fake-dingtalk/fake-dingtalk.js';
import { starterOrg } from '../../src/fake-dingtalk/starter-org.js';
import { silentLogger } from '../../src/logger.js';

/** File messages (the pre-review CSV): media/upload type=file, then sampleFile to a group or a person. */
describe('file messages through the OpenAPI client and the fake DingTalk', () => {
  let fake: FakeDingTalk;
  let api: DingTalkOpenApi;
  beforeEach(async () => {
    fake = await new FakeDingTalk({ tokenTtlSec: 7200 }).start();
    fake.org.load(starterOrg());
    const http = new HttpClient({ timeoutMs: 2000, maxRetries: 2, baseDelayMs: 20, maxDelayMs: 200 });
    const tokens = new TokenProvider(http, { apiBase: fake.baseUrl, clientId: fake.clientId, clientSecret: fake.clientSecret });
    api = new DingTalkOpenApi({ apiBase: fake.baseUrl, oapiBase: fake.baseUrl, robotCode: fake.robotCode, http, tokens, sendLimiter: createRateLimiter(1000), logger: silentLogger });
  });
  afterEach(async () => {
    await fake.stop();
  });

  it('uploads a CSV as type=file and sends it as sampleFile {mediaId, fileName, fileType}', async () => {
    const messenger = new DingTalkMessenger(api);
    const csv = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('姓名,签约额\n张伟,120000\n')]);
    const mediaId = await messenger.uploadFile(csv, '复盘数据-2026Q4.csv', 'text/csv');
    expect(fake.media.get(mediaId)).toMatchObject({ type: 'file', filename: '复盘数据-2026Q4.csv' });
    expect(fake.media.get(mediaId)!.data.equals(csv)).toBe(true);
    expect(fake.callsTo('media.upload')[0]!.query.type).toBe('file');
    await messenger.send({ kind: 'group', openConversationId: 'cidTeamEast' }, { type: 'file', mediaId, fileName: '复盘数据-2026Q4.csv', fileType: 'csv' });
    const d = fake.outbox.inGroup('cidTeamEast').at(-1)!;
    expect(d).toMatchObject({ type: 'file', mediaId, fileName: '复盘数据-2026Q4.csv', fileType: 'csv' });
    expect(d.raw).toEqual({ msgKey: 'sampleFile', msgParam: { mediaId, fileName: '复盘数据-2026Q4.csv', fileType: 'csv' } });
  });

  it('refuses a file type DingTalk does not take, with its errcode', async () => {
    await expect(api.uploadFile(Buffer.from('MZ'), 'tool.exe')).rejects.toBeInstanceOf(DingTalkApiError);
  });
});
