import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HttpClient } from '../../../src/adapters/http/http-client.js';
import { SalesforceAuth, type SalesforceCredentials } from '../../../src/adapters/salesforce/salesforce-auth.js';
import { SalesforceClient } from '../../../src/adapters/salesforce/salesforce-client.js';
import type { ActivityIngest } from '../../../src/services/activity/ingest.js';
import { SalesforceSync, type SfCursor, type SfObject } from '../../../src/services/activity/sync/salesforce-sync.js';
import { DEFAULT_SALESFORCE_TYPE_MAP, parseTypeMap } from '../../../src/domain/crm/type-map.js';
import { FakeSalesforce } from '../../../src/fake-salesforce/fake-salesforce.js';
import { loadSample, SAMPLE_OWNER_ID } from '../../../src/fake-salesforce/sample-data.js';
import { silentLogger } from '../../../src/logger.js';
import { coreFixture, type CoreFixture } from './core-helpers.js';

const typeMap = (() => {
  const r = parseTypeMap(DEFAULT_SALESFORCE_TYPE_MAP);
  if (!r.ok) throw new Error(r.error);
  return r.map;
})();

let f: CoreFixture;
let sf: FakeSalesforce;
let sfNow = Date.parse('2026-11-26T08:00:00Z');

beforeAll(async () => {
  // The export's single owner is mapped to rep01 by configuration (SALESFORCE_USER_MAP).
  f = await coreFixture('sfsync', { userMap: new Map([[`salesforce:${SAMPLE_OWNER_ID}`, 'rep01']]), now: new Date('2026-11-26T18:00:00+08:00') });
});
afterAll(async () => {
  await f.db.drop();
});
beforeEach(async () => {
  sf = await new FakeSalesforce({ now: () => sfNow }).start();
  loadSample(sf.store);
  sf.pageSize = 20;
  await Promise.all(['Activity', 'Deal', 'SyncCursor', 'CrmAccount', 'UnmatchedRecord', 'UserMapping'].map((m) => f.models[m as 'Activity'].deleteMany({})));
});
afterEach(async () => {
  await sf.stop();
});

function sync(opts: { ingest?: ActivityIngest; creds?: Partial<SalesforceCredentials>; objects?: SfObject[] } = {}) {
  const http = new HttpClient({ timeoutMs: 2000, maxRetries: 3, baseDelayMs: 10, maxDelayMs: 50 });
  const auth = new SalesforceAuth(http, { loginUrl: sf.baseUrl, grant: 'client_credentials', clientId: sf.clientId, clientSecret: sf.clientSecret, ...opts.creds });
  return new SalesforceSync({
    client: new SalesforceClient(http, auth, { apiVersion: '60.0', batchSize: 200 }),
    ingest: opts.ingest ?? f.core.ingest,
    deals: f.core.dealIngest,
    accounts: f.core.accounts,
    cursors: f.core.cursors,
    mapping: { zone: 'Asia/Shanghai', typeMap, taskTypeField: 'Type__c', cnyPerUnit: 1 },
    clock: f.clock,
    backfillFrom: new Date('2024-01-01T00:00:00Z'),
    metrics: f.metrics,
    logger: silentLogger,
    ...(opts.objects ? { objects: opts.objects } : {}),
  });
}

function addVisit(id: string, owner: string, start: string, minutes: number, accountId = '001Ec00000GGw3hIAD'): void {
  sf.store.load('Event', {
    Id: id,
    OwnerId: owner,
    AccountId: accountId,
    WhatId: accountId,
    Subject: '客户拜访',
    Location: '上海市浦东新区',
    Type: 'Meeting',
    StartDateTime: new Date(start).toISOString().replace('Z', '+0000'),
    EndDateTime: new Date(Date.parse(start) + minutes * 60_000).toISOString().replace('Z', '+0000'),
    DurationInMinutes: minutes,
    IsAllDayEvent: false,
    SystemModstamp: '2026-11-25T10:00:00.000+0000',
  });
}

describe('Salesforce connector against the fake org (real sample export)', () => {
  it('follows nextRecordsUrl through every object and stores accounts, deals, tasks and events once', async () => {
    addVisit('00UFK0000000001AAA', SAMPLE_OWNER_ID, '2026-11-24T10:00:00+08:00', 45);
    const stats = await sync().run();
    expect(stats.Account).toMatchObject({ records: 22, pages: 2 });
    expect(stats.Opportunity).toMatchObject({ records: 50, pages: 3, updated: 50 });
    expect(stats.Task).toMatchObject({ records: 75, pages: 4, created: 75 });
    expect(stats.Event).toMatchObject({ records: 1, created: 1 });
    expect(await f.models.CrmAccount.countDocuments()).toBe(22);
    expect(await f.models.Deal.countDocuments({ personId: 'rep01' })).toBe(50);
    expect(await f.models.Activity.countDocuments({ source: 'salesforce', personId: 'rep01' })).toBe(76);
    // All 75 tasks share one SystemModstamp: the keyset (SystemModstamp, Id) still pages through each once.
    const taskQueries = sf.calls.filter((c) => c.api === 'query' && c.soql?.includes('FROM Task'));
    expect(taskQueries).toHaveLength(1);
    expect(sf.calls.filter((c) => c.api === 'queryMore').length).toBe(1 + 2 + 3);
    expect(await f.core.cursors.load<SfCursor>('salesforce:Task')).toEqual({ modstamp: '2024-01-23T17:50:51.000Z', id: '00TEc00000Co1XtMAJ', inProgress: false });

    const won = await f.models.Deal.findOne({ sourceId: '006Ec00000AieKGIAZ' }).lean();
    expect(won).toMatchObject({ stage: 'Closed Won', amountCny: 1651993, isWon: true, isClosed: true, quarterId: '2023Q2', isNewCustomer: true });
    const visit = await f.models.Activity.findOne({ sourceId: '00UFK0000000001AAA' }).lean();
    expect(visit).toMatchObject({ type: 'visit', accountName: 'Walker Henson and Compton', durationMin: 45, counted: false, isoWeek: '2026-W48' });
    expect(visit?.reasons).toEqual(['没有位置坐标，且没有签到记录']);
    const task = await f.models.Activity.findOne({ sourceId: '00TEc00000Co1WhMAJ' }).lean();
    expect(task).toMatchObject({ type: 'proposal', completed: false, counted: false, reasons: ['任务还未完成'] });
  });

  it('resumes after a crash mid-page from the last stored record, storing each task exactly once', async () => {
    let pages = 0;
    const crashing = {
      ingest: async (inputs: Parameters<ActivityIngest['ingest']>[0], opts: Parameters<ActivityIngest['ingest']>[1]) => {
        if (++pages === 2) {
          await f.core.ingest.ingest(inputs.slice(0, 10), opts);
          throw new Error('simulated crash mid-page');
        }
        return f.core.ingest.ingest(inputs, opts);
      },
    } as ActivityIngest;
    await expect(sync({ ingest: crashing, objects: ['Task'] }).run()).rejects.toThrow('simulated crash');
    const cur = await f.core.cursors.load<SfCursor>('salesforce:Task');
    expect(cur).toMatchObject({ modstamp: '2024-01-23T17:50:51.000Z', inProgress: true });
    expect(await f.models.Activity.countDocuments()).toBe(30);

    const before = sf.calls.length;
    const stats = await sync({ objects: ['Task'] }).run();
    const resumed = sf.calls.slice(before).find((c) => c.api === 'query')!;
    expect(resumed.soql).toContain(`(SystemModstamp > 2024-01-23T17:50:51Z OR (SystemModstamp = 2024-01-23T17:50:51Z AND Id > '${cur!.id}'))`);
    expect(stats.Task).toMatchObject({ records: 55, created: 45, unchanged: 10 });
    expect(await f.models.Activity.countDocuments()).toBe(75);
  });

  it('sees a re-read as duplicates, an edit as an update of the same activity, and a deletion as not counted', async () => {
    await sync({ objects: ['Account', 'Task'] }).run();
    const again = await sync({ objects: ['Account', 'Task'] }).run();
    expect(again.Task).toMatchObject({ created: 0, updated: 0, unchanged: 75 }); // the 5-minute look-back re-reads them
    sfNow = Date.parse('2026-11-26T09:00:00Z');
    sf.store.update('Task', '00TEc00000Co1WiMAJ', { Status: 'Completed', IsClosed: true });
    sf.store.remove('Task', '00TEc00000Co1WhMAJ');
    const edited = await sync({ objects: ['Task'] }).run();
    // The look-back re-reads the 73 untouched tasks (modified in the same second as the cursor): no writes.
    expect(edited.Task).toMatchObject({ records: 75, updated: 2, created: 0, unchanged: 73 });
    expect(await f.models.Activity.countDocuments()).toBe(75);
    expect(await f.models.Activity.findOne({ sourceId: '00TEc00000Co1WiMAJ' }).lean()).toMatchObject({ type: 'meeting', completed: true, counted: true, reasons: [] });
    expect(await f.models.Activity.findOne({ sourceId: '00TEc00000Co1WhMAJ' }).lean()).toMatchObject({ deleted: true, counted: false, reasons: ['源系统中已删除'] });
  });

  it('reports an owner who is no DingTalk person instead of dropping their records, and stores them once mapped', async () => {
    sf.store.load('User', { Id: '005FK0000000099AAA', Name: 'Mei-Mei Johns', Email: 'meimei.johns@example.com', IsActive: true });
    addVisit('00UFK0000000002AAA', '005FK0000000099AAA', '2026-11-25T14:00:00+08:00', 60);
    addVisit('00UFK0000000003AAA', '005FK0000000099AAA', '2026-11-25T16:00:00+08:00', 40);
    const stats = await sync({ objects: ['Account', 'Event'] }).run();
    expect(stats.Event).toMatchObject({ records: 2, created: 0, parked: 2 });
    expect(await f.models.Activity.countDocuments({ source: 'salesforce' })).toBe(0);
    expect(await f.core.unmatched.users()).toEqual([
      expect.objectContaining({ system: 'salesforce', externalUserId: '005FK0000000099AAA', externalEmail: 'meimei.johns@example.com', externalName: 'Mei-Mei Johns', activities: 2 }),
    ]);
    // The org sync adds her email: the next replay stores both visits under her userid.
    await f.models.Person.create({ _id: 'rep09', name: '梅梅', role: 'rep', isActive: true, email: 'meimei.johns@example.com', source: 'seed' });
    expect(await f.core.replayUnmatched()).toEqual({ stored: 2, stillUnmatched: 0 });
    expect(await f.models.Activity.countDocuments({ source: 'salesforce', personId: 'rep09' })).toBe(2);
    expect(await f.core.unmatched.count()).toBe(0);
    await f.models.Person.deleteOne({ _id: 'rep09' });
  });

  it('retries 429 and 5xx on login, query and queryMore, and completes with every record once', async () => {
    sf.injectFault({ api: 'oauth.token', status: 503, times: 1 });
    sf.injectFault({ api: 'query', status: 429, times: 2, retryAfterSec: 0 });
    sf.injectFault({ api: 'queryMore', status: 500, times: 1 });
    sf.injectFault({ api: 'queryMore', status: 503, times: 1 });
    const stats = await sync({ objects: ['Opportunity', 'Task'] }).run();
    expect(stats.Task.records).toBe(75);
    expect(stats.Opportunity.records).toBe(50);
    expect(sf.calls.filter((c) => c.injected).map((c) => `${c.api}:${c.status}`)).toEqual(['oauth.token:503', 'query:429', 'query:429', 'queryMore:500', 'queryMore:503']);
    expect(await f.models.Activity.countDocuments()).toBe(75);
    expect(await f.models.Deal.countDocuments()).toBe(50);
  });

  it('logs in again when the session expires, with either OAuth flow', async () => {
    const s = sync({ creds: { grant: 'password', username: sf.username, password: sf.password }, objects: ['Task'] });
    await s.run();
    sf.expireSessions();
    sfNow = Date.parse('2026-11-26T10:00:00Z');
    sf.store.update('Task', '00TEc00000Co1WiMAJ', { Status: 'Completed', IsClosed: true });
    const again = await s.run();
    expect(again.Task.updated).toBe(1);
    expect(sf.callsTo('query').map((c) => c.status)).toContain(401);
    expect(sf.callsTo('oauth.token')).toHaveLength(2);
  });

  it('fails with a message naming the settings when the credentials are wrong', async () => {
    await expect(sync({ creds: { clientSecret: 'wrong' }, objects: ['Task'] }).run()).rejects.toThrow(/Task: Salesforce login refused: invalid_client/);
    expect(sf.callsTo('oauth.token')).toHaveLength(1); // a 400 is not retried
    expect(await f.models.SyncCursor.findById('salesforce:Task').lean()).toMatchObject({ lastError: expect.stringContaining('invalid_client') });
  });
});
