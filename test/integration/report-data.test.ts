import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModels, ensureIndexes, type Models } from '../../src/adapters/mongo/models/index.js';
import { loadReportDataset, loadSliceFacts, toReportQuarter } from '../../src/adapters/mongo/report-data.js';
import { ReportRunRepository } from '../../src/adapters/mongo/report-run-repository.js';
import { ReportBuilder, type QuarterRecord } from '../../src/services/weekly-report/report-builder.js';
import { DEFAULT_REPORT_SETTINGS } from '../../src/domain/report/types.js';
import { connectTestDb } from '../helpers/mongo.js';

const asOf = new Date('2026-11-27T09:00:00Z'); // Fri W48 17:00 Shanghai
const settings = DEFAULT_REPORT_SETTINGS;

function activity(personId: string, i: number, o: Record<string, unknown>) {
  return {
    personId,
    type: 'visit',
    source: 'seed',
    sourceId: `${personId}-${i}`,
    startAt: new Date('2026-11-24T02:00:00Z'),
    day: '2026-11-24',
    isoWeek: '2026-W48',
    quarterId: '2026Q4',
    counted: true,
    ...o,
  };
}

describe('weekly report bulk loading (on the MongoDB-wire test server)', () => {
  let conn: Connection;
  let drop: () => Promise<void>;
  let m: Models;
  let quarter: QuarterRecord;

  beforeAll(async () => {
    ({ conn, drop } = await connectTestDb('reportdata'));
    m = createModels(conn);
    await ensureIndexes(m);
    await m.Quarter.create({
      _id: '2026Q4',
      startDate: new Date('2026-09-30T16:00:00Z'),
      endDate: new Date('2026-12-31T16:00:00Z'),
      reviewAt: new Date('2026-12-25T02:00:00Z'),
      metrics: [{ key: 'signed_amount', name: '签约额', unit: 'cny' }],
      activityTypes: [{ key: 'visit', name: '拜访' }, { key: 'call', name: '电话' }],
    });
    quarter = (await m.Quarter.findById('2026Q4').lean()) as QuarterRecord;
    await m.Person.insertMany([
      { _id: 'r1', name: '张伟', role: 'rep', managerId: 'm1' },
      { _id: 'r2', name: '刘洋', role: 'rep', managerId: 'm1' },
      { _id: 'm1', name: '王磊', role: 'manager' },
      { _id: 'm2', name: '李娜', role: 'manager' },
      { _id: 'gone', name: '离职', role: 'rep', isActive: false },
    ]);
    await m.Goal.insertMany([
      { quarterId: '2026Q4', ownerId: 'r1', targets: [{ metric: 'signed_amount', value: 800_000 }], status: 'approved' },
      { quarterId: '2026Q4', ownerId: 'm2', targets: [{ metric: 'signed_amount', value: 2_000_000 }], status: 'approved' },
    ]);
    await m.Activity.insertMany([
      activity('r1', 1, { dims: { proposalCustomized: true } }),
      activity('r1', 2, { dims: { proposalCustomized: false } }),
      activity('r1', 3, {}),
      activity('r1', 4, { counted: false, reasons: ['时长 12 分钟 < 30 分钟'], accountName: '华诚' }),
      activity('r1', 5, { type: 'call', isoWeek: '2026-W47', day: '2026-11-17' }),
      activity('r1', 6, { startAt: new Date('2026-11-27T10:00:00Z'), day: '2026-11-27' }), // after asOf: ignored
      activity('r2', 1, { quarterId: '2026Q3' }), // other quarter: ignored
      // Not the report's business: a 签到 merged into its CRM visit, a visit deleted in the CRM, 考勤.
      activity('r1', 8, { source: 'dingtalk_checkin', counted: false, mergedInto: { source: 'seed', sourceId: 'r1-1' }, reasons: ['已合并'] }),
      activity('r1', 9, { counted: false, deleted: true, reasons: ['源系统中已删除'] }),
      activity('r1', 10, { type: 'attendance', source: 'dingtalk_attendance', counted: false, reasons: ['不在统计类型中'] }),
    ]);
    const deal = (i: number, o: Record<string, unknown>) => ({ personId: 'r1', source: 'seed', sourceId: `d${i}`, stage: 'won', isWon: true, quarterId: '2026Q4', ...o });
    await m.Deal.insertMany([
      deal(1, { amountCny: 100_000, accountId: 'a1', isNewCustomer: true, closeDate: new Date('2026-11-10T00:00:00Z'), isoWeek: '2026-W46' }),
      deal(2, { amountCny: 50_000, accountId: 'a1', isNewCustomer: true, closeDate: new Date('2026-11-20T00:00:00Z'), isoWeek: '2026-W47' }),
      deal(3, { amountCny: 30_000 }), // won, no close date: counts, no week
      deal(4, { amountCny: 70_000, closeDate: new Date('2026-11-28T00:00:00Z'), isoWeek: '2026-W48' }), // after asOf
      deal(5, { amountCny: 90_000, isWon: false, closeDate: new Date('2026-11-10T00:00:00Z') }),
    ]);
  });
  afterAll(async () => {
    await drop();
  });

  it('groups activities and deals for everyone in a few queries, with the tracked dimension counted in the same pass', async () => {
    const d = await loadReportDataset(m, toReportQuarter(quarter), asOf, { settings });
    expect(d.week).toBe('2026-W48');
    expect(d.people.map((p) => p.id)).toEqual(['m2', 'r1', 'r2']); // reps + a manager with a goal; not the one who left
    const r1 = d.facts.get('r1')!;
    // Counted before asOf: 3 visits in W48 (one with a tailored proposal) and a call in W47; 1 visit not counted.
    expect(r1.weekly).toEqual(
      new Map([
        ['2026-W48', { counted: 3, byType: new Map([['visit', 3]]) }],
        ['2026-W47', { counted: 1, byType: new Map([['call', 1]]) }],
      ]),
    );
    expect({ counted: r1.countedTotal, all: r1.allTotal, visits: r1.visits, tailored: r1.dimHits.get('proposalCustomized') }).toEqual({ counted: 4, all: 5, visits: 3, tailored: 1 });
    // Won before asOf: 100k + 50k from one new customer (first won in W46), 30k without a close date.
    expect({ won: r1.wonDeals, signed: r1.signedCny, customers: r1.newCustomers }).toEqual({ won: 3, signed: 180_000, customers: 1 });
    expect(r1.newCustomersByWeek).toEqual(new Map([['2026-W46', 1]]));
    expect(r1.signedByWeek).toEqual(new Map([['2026-W46', 100_000], ['2026-W47', 50_000]]));
    expect(d.facts.get('r2')).toMatchObject({ allTotal: 0, wonDeals: 0 }); // its activity is in another quarter
    expect(d.notCounted).toEqual([{ id: expect.any(String), personId: 'r1', type: 'visit', day: '2026-11-24', accountName: '华诚', reasons: ['时长 12 分钟 < 30 分钟'] }]);
  });

  it('gives the same facts when the activity groups are read a slice of people at a time', async () => {
    const whole = await loadReportDataset(m, toReportQuarter(quarter), asOf, { settings });
    const sliced = await loadReportDataset(m, toReportQuarter(quarter), asOf, { settings, activitySlice: 1 });
    expect(sliced.facts).toEqual(whole.facts);
    expect(sliced.facts.get('r1')!.countedTotal).toBe(4);
  });

  it('counts won, closed-lost and opened deals from one query with the rules the three queries had', async () => {
    const q = toReportQuarter(quarter);
    const at = (s: string) => new Date(s);
    const d = (i: number, o: Record<string, unknown>) => ({ personId: 'r2', source: 'seed', sourceId: `r2-d${i}`, stage: 'x', amountCny: 10_000, quarterId: '2026Q4', ...o });
    await m.Deal.insertMany([
      // won before asOf and opened in the quarter: one won deal and one opened
      d(1, { isWon: true, isClosed: true, closeDate: at('2026-11-05T00:00:00Z'), isoWeek: '2026-W45', openedDate: at('2026-10-10T00:00:00Z') }),
      // closed-lost before asOf (counted), one without a close date (counted), one after asOf, one deleted
      d(2, { isClosed: true, closeDate: at('2026-11-12T00:00:00Z') }),
      d(3, { isClosed: true }),
      d(4, { isClosed: true, closeDate: at('2026-11-28T00:00:00Z') }),
      d(5, { isClosed: true, closeDate: at('2026-11-12T00:00:00Z'), deleted: true }),
      // opened in the quarter's dates under another quarter's id (counts), before the quarter, after asOf, deleted
      d(6, { quarterId: '2027Q1', openedDate: at('2026-11-02T00:00:00Z') }),
      d(7, { openedDate: at('2026-09-20T00:00:00Z') }),
      d(8, { openedDate: at('2026-11-27T12:00:00Z') }),
      d(9, { openedDate: at('2026-11-03T00:00:00Z'), deleted: true }),
      // lost in another quarter: not this report's
      d(10, { quarterId: '2026Q3', isClosed: true, closeDate: at('2026-09-10T00:00:00Z') }),
    ]);
    try {
      const whole = (await loadReportDataset(m, q, asOf, { settings })).facts.get('r2')!;
      expect({ won: whole.wonDeals, signed: whole.signedCny, lost: whole.lostDeals, opened: whole.openedDeals }).toEqual({ won: 1, signed: 10_000, lost: 2, opened: 2 });
      expect(whole.signedByWeek).toEqual(new Map([['2026-W45', 10_000]]));
      // The Friday pass's slice load (an id range) reads the same.
      const sliced = (await loadSliceFacts(m, q, asOf, { settings, people: [{ id: 'r2', name: '刘洋', managerId: 'm1' }], who: { $gte: 'r2', $lte: 'r2' } })).get('r2')!;
      expect({ won: sliced.wonDeals, signed: sliced.signedCny, lost: sliced.lostDeals, opened: sliced.openedDeals }).toEqual({ won: 1, signed: 10_000, lost: 2, opened: 2 });
    } finally {
      await m.Deal.deleteMany({ personId: 'r2' });
    }
  });

  it('narrows every query to the people asked for', async () => {
    const d = await loadReportDataset(m, toReportQuarter(quarter), asOf, { settings, personIds: ['r2'] });
    expect(d.people.map((p) => p.id)).toEqual(['r2']);
    // Goals are the quarter's whole set whoever is asked for: alignment is checked live in the org tree.
    expect(d.org!.length).toBeGreaterThan(1);
    expect([...d.facts.keys()]).toEqual(['r2']);
    expect(d.notCounted).toEqual([]);
  });

  it('compares the dimensions HR configured on the quarter instead of the default set', async () => {
    await m.Quarter.updateOne({ _id: '2026Q4' }, { $set: { reportDimensions: [{ key: 'demoBooked', name: '演示预约率' }] } });
    await m.Activity.insertMany([activity('r1', 7, { dims: { demoBooked: true } })]);
    const builder = new ReportBuilder(m, DEFAULT_REPORT_SETTINGS, { weekday: 5, time: '17:00' });
    const q = (await builder.quarter('2026Q4'))!;
    const r1 = (await builder.build(q, asOf)).reports.find((r) => r.personId === 'r1')!;
    expect(r1.dimensions).toEqual([{ key: 'demoBooked', name: '演示预约率', mine: 1 / 4, top: expect.any(Number), everyone: 1 / 4, target: null }]);
    await m.Quarter.updateOne({ _id: '2026Q4' }, { $set: { reportDimensions: [] } });
    await m.Activity.deleteOne({ sourceId: 'r1-7' });
  });

  it('leases a run to one instance at a time and lets another take it over once the holder is silent', async () => {
    let now = new Date('2026-11-27T09:00:00Z');
    const a = new ReportRunRepository(m, 'a', () => now);
    const b = new ReportRunRepository(m, 'b', () => now);
    const run = { _id: 'scheduled|2026-W48', kind: 'scheduled' as const, quarterId: '2026Q4', week: '2026-W48', asOf: now, scope: { kind: 'all' as const, id: null } };
    expect(await a.createIfMissing(run)).toBe(true);
    expect(await b.createIfMissing(run)).toBe(false);
    const wins = await Promise.all([a.acquire(run._id, 60_000), b.acquire(run._id, 60_000)]);
    expect(wins.filter(Boolean)).toHaveLength(1);
    const [holder, other] = wins[0] ? [a, b] : [b, a];
    now = new Date(now.getTime() + 30_000);
    expect(await holder.heartbeat(run._id)).toBe(true);
    expect(await other.acquire(run._id, 60_000)).toBe(false);
    now = new Date(now.getTime() + 61_000); // holder silent for longer than the lease
    expect((await other.due(60_000)).map((r) => r._id)).toEqual([run._id]);
    expect(await other.acquire(run._id, 60_000)).toBe(true);
    expect(await holder.heartbeat(run._id)).toBe(false); // the old holder learns it lost the run
    await other.finishPass(run._id, { recipients: 3, sent: 3, alreadySent: 0, inFlight: 0, failed: 0 }, { status: 'done', nextRetryAt: null });
    expect(await other.due(60_000)).toEqual([]);
    expect((await other.get(run._id))?.passes).toBe(2);
  });
});
