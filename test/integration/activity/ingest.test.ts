import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DirtyDays } from '../../../src/services/activity/dirty-days.js';
import type { ActivityInput, ActivitySource } from '../../../src/domain/activity/types.js';
import { coreFixture, type CoreFixture } from './core-helpers.js';

let f: CoreFixture;
beforeAll(async () => {
  f = await coreFixture('ingest');
});
afterAll(async () => {
  await f.db.drop();
});
beforeEach(async () => {
  await Promise.all([f.models.Activity.deleteMany({}), f.models.UnmatchedRecord.deleteMany({}), f.models.ActivityRuleSet.deleteMany({}), f.models.CrmAccount.deleteMany({})]);
});

const HUAWEI = { lat: 31.2304, lng: 121.4737 };
const crmVisit = (id: string, from: string, to: string, extra: Partial<ActivityInput> = {}): ActivityInput => ({
  source: 'salesforce',
  sourceId: id,
  person: { kind: 'external', system: 'salesforce', id: '005REP01', email: 'zhang.wei@example.com' },
  type: 'visit',
  startAt: new Date(from),
  endAt: new Date(to),
  account: { id: '001HW' },
  sourceUpdatedAt: new Date('2026-11-24T12:00:00Z'),
  raw: { Id: id },
  ...extra,
});
const checkin = (userid: string, at: string, customer = '华为技术'): ActivityInput => ({
  source: 'dingtalk_checkin',
  sourceId: `${userid}:${Date.parse(at)}`,
  person: { kind: 'userId', userId: userid },
  type: 'visit',
  startAt: new Date(at),
  account: { name: customer },
  location: { place: '上海市浦东新区' },
  completed: true,
  raw: {},
});

async function one(source: ActivitySource, sourceId: string) {
  return f.models.Activity.findOne({ source, sourceId }).lean();
}

describe('activity ingest against the database', () => {
  it('stores once, recognises a re-delivery as unchanged, and updates in place when edited at the source', async () => {
    await f.core.accounts.upsert('salesforce', [{ sourceId: '001HW', name: '华为技术有限公司', location: HUAWEI, deleted: false }]);
    const v = crmVisit('00U1', '2026-11-24T10:00:00+08:00', '2026-11-24T10:18:00+08:00');
    expect(await f.core.ingest.ingest([v], { reconcile: 'inline' })).toMatchObject({ created: 1, updated: 0, unchanged: 0 });
    expect(await f.core.ingest.ingest([v], { reconcile: 'inline' })).toMatchObject({ created: 0, updated: 0, unchanged: 1 });
    const stored = await one('salesforce', '00U1');
    expect(stored).toMatchObject({ personId: 'rep01', accountName: '华为技术有限公司', customerLocation: HUAWEI, day: '2026-11-24', isoWeek: '2026-W48', quarterId: '2026Q4', counted: false, durationMin: 18 });
    expect(stored?.reasons).toEqual(['时长 18 分钟 < 30 分钟', '没有位置坐标，且没有签到记录']);

    const edited = { ...v, endAt: new Date('2026-11-24T10:50:00+08:00'), location: { lat: 31.231, lng: 121.474 }, sourceUpdatedAt: new Date('2026-11-24T13:00:00Z') };
    expect(await f.core.ingest.ingest([edited], { reconcile: 'inline' })).toMatchObject({ created: 0, updated: 1 });
    expect(await f.models.Activity.countDocuments({ source: 'salesforce', sourceId: '00U1' })).toBe(1);
    expect(await one('salesforce', '00U1')).toMatchObject({ counted: true, reasons: [], durationMin: 50 });

    // The old version arriving late (a retry) does not undo the edit.
    expect(await f.core.ingest.ingest([{ ...v, raw: { Id: '00U1', late: true } }], { reconcile: 'inline' })).toMatchObject({ stale: 1, updated: 0 });
    expect(await one('salesforce', '00U1')).toMatchObject({ durationMin: 50 });
  });

  it('clears a field the source removed', async () => {
    await f.core.ingest.ingest([crmVisit('00U2', '2026-11-24T10:00:00+08:00', '2026-11-24T11:00:00+08:00', { location: { lat: 1, lng: 2, place: 'x' } })], { reconcile: 'inline' });
    await f.core.ingest.ingest([crmVisit('00U2', '2026-11-24T10:00:00+08:00', '2026-11-24T11:00:00+08:00', { sourceUpdatedAt: new Date('2026-11-24T14:00:00Z') })], { reconcile: 'inline' });
    expect((await one('salesforce', '00U2'))?.location).toBeUndefined();
  });

  it('matches the CRM visit and the DingTalk check-in: counted once, the check-in points at it', async () => {
    await f.core.accounts.upsert('salesforce', [{ sourceId: '001HW', name: '华为技术有限公司', location: HUAWEI, deleted: false }]);
    await f.core.ingest.ingest([crmVisit('00U3', '2026-11-24T14:00:00+08:00', '2026-11-24T14:45:00+08:00')], { reconcile: 'inline' });
    expect(await one('salesforce', '00U3')).toMatchObject({ counted: false, reasons: ['没有位置坐标，且没有签到记录'] });
    await f.core.ingest.ingest([checkin('rep01', '2026-11-24T13:55:00+08:00')], { reconcile: 'inline' });
    const crm = await one('salesforce', '00U3');
    const ci = await one('dingtalk_checkin', `rep01:${Date.parse('2026-11-24T13:55:00+08:00')}`);
    expect(crm).toMatchObject({ counted: true, reasons: [], matchGroup: 'mg:salesforce:00U3', evidence: { checkin: true, checkinCount: 1 } });
    expect(ci).toMatchObject({ counted: false, matchGroup: 'mg:salesforce:00U3', mergedInto: { source: 'salesforce', sourceId: '00U3' }, accountId: '001HW' });
    expect(ci?.reasons).toEqual(['与Salesforce记录是同一次拜访，已合并只计一次']);
    expect(await f.models.Activity.countDocuments({ personId: 'rep01', counted: true })).toBe(1);

    // Moving the CRM visit to another afternoon breaks the match: each record stands alone again.
    await f.core.ingest.ingest([crmVisit('00U3', '2026-11-25T14:00:00+08:00', '2026-11-25T14:45:00+08:00', { sourceUpdatedAt: new Date('2026-11-25T00:00:00Z') })], { reconcile: 'inline' });
    expect(await one('dingtalk_checkin', `rep01:${Date.parse('2026-11-24T13:55:00+08:00')}`)).toMatchObject({ counted: false, reasons: ['没有时长（缺少结束时间）'] });
    expect((await one('dingtalk_checkin', `rep01:${Date.parse('2026-11-24T13:55:00+08:00')}`))?.matchGroup).toBeUndefined();
    expect(await one('salesforce', '00U3')).toMatchObject({ day: '2026-11-25', counted: false });
  });

  it('after a deferred (bulk) import, finds the days where another system has visits, and regroups edited members', async () => {
    await f.core.ingest.ingest([checkin('rep02', '2026-11-24T09:05:00+08:00', '腾讯')], { reconcile: 'inline' });
    const csvVisit = (end: string): ActivityInput => ({
      source: 'csv', sourceId: 'crm2:v1', person: { kind: 'userId', userId: 'rep02' }, type: 'visit',
      startAt: new Date('2026-11-24T09:00:00+08:00'), endAt: new Date(end), account: { name: '腾讯有限公司' }, raw: {},
    });
    const dirty = new DirtyDays();
    await f.core.ingest.ingest([csvVisit('2026-11-24T09:50:00+08:00')], { reconcile: 'defer', dirty });
    expect(await f.models.Activity.countDocuments({ matchGroup: { $exists: true } })).toBe(0); // deferred
    const others = await f.core.reconciler.daysWithOtherSources('2026Q4', 'csv');
    expect([...others.entries()].map(([p, d]) => [p, [...d]])).toEqual([['rep02', ['2026-11-24']]]);
    await f.core.reconciler.reconcile(others);
    expect(await one('csv', 'crm2:v1')).toMatchObject({ counted: true, evidence: { checkin: true, checkinCount: 1 } });

    // Re-imported with a change: the record was in a group, so its day is flagged for matching again.
    const regroup = new DirtyDays();
    await f.core.ingest.ingest([csvVisit('2026-11-24T09:20:00+08:00')], { reconcile: 'defer', dirty: new DirtyDays(), regroup });
    expect([...regroup.get('rep02')]).toEqual(['2026-11-24']);
  });

  it('parks records of unknown owners, and stores them once HR maps the owner', async () => {
    const ghost = crmVisit('00U9', '2026-11-24T10:00:00+08:00', '2026-11-24T11:00:00+08:00', { person: { kind: 'external', system: 'salesforce', id: '005GHOST', email: 'ghost@example.com', name: 'Ghost Rep' } });
    const r = await f.core.ingest.ingest([ghost], { reconcile: 'inline' });
    expect(r).toMatchObject({ created: 0, parked: 1, unmatched: [{ index: 0 }] });
    expect(await f.models.Activity.countDocuments({ sourceId: '00U9' })).toBe(0);
    expect(await f.core.unmatched.users()).toEqual([expect.objectContaining({ system: 'salesforce', externalUserId: '005GHOST', externalEmail: 'ghost@example.com', externalName: 'Ghost Rep', activities: 1 })]);
    expect((await f.metrics.unmatched.get()).values).toEqual([expect.objectContaining({ labels: { system: 'salesforce' }, value: 1 })]);

    expect(await f.core.replayUnmatched()).toEqual({ stored: 0, stillUnmatched: 1 });
    await f.models.UserMapping.create({ _id: 'salesforce:005GHOST', system: 'salesforce', externalId: '005GHOST', personId: 'rep04', createdBy: 'hr01', createdAt: new Date() });
    expect(await f.core.replayUnmatched({ system: 'salesforce', externalUserId: '005GHOST' })).toEqual({ stored: 1, stillUnmatched: 0 });
    expect(await one('salesforce', '00U9')).toMatchObject({ personId: 'rep04' });
    expect(await f.core.unmatched.count()).toBe(0);
  });

  it('re-evaluates the quarter when HR changes the rule', async () => {
    await f.core.accounts.upsert('salesforce', [{ sourceId: '001HW', name: '华为技术有限公司', location: HUAWEI, deleted: false }]);
    await f.core.ingest.ingest(
      [crmVisit('00U5', '2026-11-24T10:00:00+08:00', '2026-11-24T10:20:00+08:00'), { ...checkin('rep01', '2026-11-24T10:05:00+08:00') }],
      { reconcile: 'inline' },
    );
    expect(await one('salesforce', '00U5')).toMatchObject({ counted: false, reasons: ['时长 20 分钟 < 30 分钟'], ruleVersion: 0 });
    const saved = await f.core.rules.save('2026Q4', '拜访：时长 ≥ 15 分钟 且 有签到', 'hr01');
    expect(saved).toMatchObject({ ok: true, version: 1 });
    const changedAt = new Date(f.clock.now().getTime() + 60_000);
    f.clock.set(changedAt);
    const r = await f.core.reevaluator.quarter('2026Q4');
    expect(r).toMatchObject({ version: 1, scanned: 2, changed: 1, countedBefore: 0, countedAfter: 1 });
    // updatedAt moves with the verdict, so readers syncing by updatedAt (/api/v1 ?updatedSince) see it.
    expect(await one('salesforce', '00U5')).toMatchObject({ counted: true, reasons: [], ruleVersion: 1, updatedAt: changedAt });
    expect(await f.models.Activity.countDocuments({ ruleVersion: 1 })).toBe(2);
    expect(await f.core.reevaluator.quarter('2026Q4')).toMatchObject({ changed: 0 });
  });
});
