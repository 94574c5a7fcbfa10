/**
 * The one-pass CSV import keeps "a refused file stores nothing" by rolling back (issue 14 "Import"): records
 * it inserted are deleted by its import id, records it updated (activities, parked records) are put back from
 * its journal; a run whose process died is rolled back by the next import; probable repeats that only shared
 * a hash are stored after all.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { recoverImportsJob } from '../../../jobs/recover-imports.job.js';
import { importCsv } from '../../../src/services/activity/csv-import.js';
import { ImportRunStore } from '../../../src/adapters/mongo/import-run-store.js';
import { silentLogger } from '../../../src/logger.js';
import { SeenIds } from '../../../src/services/activity/seen-ids.js';
import { typeAliases } from '../../../src/domain/activity/rules/context.js';
import { coreFixture, type CoreFixture } from './core-helpers.js';

let f: CoreFixture;
let dir: string;
const root = fileURLToPath(new URL('../../..', import.meta.url));
const START = new Date('2026-11-26T09:00:00+08:00');

beforeAll(async () => {
  f = await coreFixture('csvrollback');
  dir = await mkdtemp(join(tmpdir(), 'trichain-csv-rollback-'));
});
afterAll(async () => {
  await f.db.drop();
  await rm(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  f.clock.set(START);
  await Promise.all([f.models.Activity.deleteMany({}), f.models.UnmatchedRecord.deleteMany({}), f.models.ActivityImport.deleteMany({}), f.models.ActivityImportUndo.deleteMany({})]);
});

async function file(name: string, lines: string[]): Promise<string> {
  const p = join(dir, name);
  await writeFile(p, `${lines.join('\n')}\n`);
  return p;
}
const run = (path: string, extra: Partial<Parameters<typeof importCsv>[0]> = {}) => importCsv({ file: path, core: f.core, zone: 'Asia/Shanghai', typeAliases: typeAliases(), batchSize: 2, ...extra });
/** Every stored activity and parked record, whole: what "as it was" is compared on. */
const snapshot = async () => ({
  activities: await f.models.Activity.find({}).sort({ sourceId: 1 }).lean(),
  parked: await f.models.UnmatchedRecord.find({}).sort({ sourceId: 1 }).lean(),
});

const HEADER = 'id,person_email,type,start,end,customer_name';
const V1 = [
  HEADER,
  'r1,zhang.wei@example.com,visit,2026-11-24 10:00,2026-11-24 10:45,华为技术',
  'r2,zhang.wei@example.com,call,2026-11-24 11:00,2026-11-24 11:05,',
  'r3,liu.yang@example.com,call,2026-11-25 09:00,2026-11-25 09:20,',
  'p1,new.hire@example.com,call,2026-11-25 09:30,2026-11-25 09:40,',
];

describe('CSV import rollback', () => {
  it('a bad row after stored batches: inserted records deleted, updated activities and re-parked records put back as they were', async () => {
    expect(await run(await file('v1.csv', V1))).toMatchObject({ stored: true, created: 3, parked: 1 });
    const before = await snapshot();
    f.clock.set(new Date(START.getTime() + 3_600_000));
    const v2 = await file('v2.csv', [
      HEADER,
      // r1 edited (a longer visit) and r2 unchanged: an update and a no-op in the first batch.
      'r1,zhang.wei@example.com,visit,2026-11-24 10:00,2026-11-24 11:30,华为技术',
      'r2,zhang.wei@example.com,call,2026-11-24 11:00,2026-11-24 11:05,',
      // p1's record changed while still parked, p2 newly parked, r4 new.
      'p1,new.hire@example.com,call,2026-11-25 09:30,2026-11-25 10:40,',
      'p2,other.hire@example.com,call,2026-11-25 09:30,2026-11-25 09:40,',
      'r4,li.na@example.com,email,2026-11-25 09:00,,',
      'r5,li.na@example.com,email,2026-11-25 10:00,,',
      'r6,li.na@example.com,call,2026-11-25 10:00,2026-11-25 09:00,',
      'r7,li.na@example.com,email,2026-11-25 11:00,,',
    ]);
    const r = await run(v2);
    expect(r).toMatchObject({ stored: false, rows: 8, valid: 7, errorCount: 1, errors: [{ line: 8, column: 'end', message: 'endAt 早于 startAt' }] });
    // Three batches of two went in before line 8: r1 updated, p1 re-parked (restored); p2, r4, r5 inserted (removed).
    expect(r.rolledBack).toEqual({ removed: 3, restored: 2 });
    expect(await snapshot()).toEqual(before);
    expect(await f.models.ActivityImportUndo.countDocuments()).toBe(0);
    expect(await f.models.ActivityImport.findById(r.importId).lean()).toMatchObject({ state: 'rolled_back', reason: 'refused: 1 invalid rows' });
  });

  it('after a refusal the corrected file imports, and importing it again changes nothing', async () => {
    const bad = await file('bad.csv', [...V1, 'r9,li.na@example.com,call,2026-11-25 10:00,2026-11-25 09:00,']);
    // Two batches went in before the bad row: r1, r2, r3 stored and p1 parked, all taken back.
    expect(await run(bad)).toMatchObject({ stored: false, errorCount: 1, rolledBack: { removed: 4, restored: 0 } });
    expect(await f.models.Activity.countDocuments()).toBe(0);
    expect(await f.models.UnmatchedRecord.countDocuments()).toBe(0);
    // Refused before its first batch: nothing to take back, the run is closed as refused.
    const early = await run(bad, { batchSize: 1000 });
    expect(early).toMatchObject({ stored: false, errorCount: 1, rolledBack: { removed: 0, restored: 0 } });
    expect(await f.models.ActivityImport.findById(early.importId).lean()).toMatchObject({ state: 'rolled_back', reason: 'refused: 1 invalid rows' });
    const good = await file('good.csv', [...V1, 'r9,li.na@example.com,call,2026-11-25 10:00,2026-11-25 10:09,']);
    const first = await run(good);
    expect(first).toMatchObject({ stored: true, created: 4, parked: 1 });
    expect(await f.models.ActivityImport.findById(first.importId).lean()).toMatchObject({ state: 'stored' });
    const stored = await snapshot();
    f.clock.set(new Date(START.getTime() + 3_600_000));
    expect(await run(good)).toMatchObject({ stored: true, created: 0, updated: 0, unchanged: 4, parked: 1 });
    const again = await snapshot();
    expect(again.activities).toEqual(stored.activities);
    // Parked again: only "last seen" moves (as before this change); the import id stays the first import's.
    expect(again.parked.map(({ lastSeenAt: _l, ...p }) => p)).toEqual(stored.parked.map(({ lastSeenAt: _l, ...p }) => p));
    expect(await f.models.ActivityImportUndo.countDocuments()).toBe(0);
  });

  it('a probable repeat that only shared a hash is stored after all (every row held back behind it too)', async () => {
    // Every id "hashes alike": each row after the first is a probable repeat of line 2.
    class AllAlike extends SeenIds {
      private first: number | undefined;
      override firstLineOf(_id: string, line: number): number | undefined {
        if (this.first === undefined) {
          this.first = line;
          return undefined;
        }
        return this.first;
      }
    }
    const p = await file('alike.csv', V1);
    expect(await run(p, { seenIds: () => new AllAlike() })).toMatchObject({ stored: true, rows: 4, valid: 4, errorCount: 0, created: 3, parked: 1 });
    expect((await f.models.Activity.find({}).sort({ sourceId: 1 }).lean()).map((a) => a.sourceId)).toEqual(['csv:r1', 'csv:r2', 'csv:r3']);
    // A real repeat among them is still refused, and nothing stays.
    await f.models.Activity.deleteMany({});
    await f.models.UnmatchedRecord.deleteMany({});
    const dup = await file('alike-dup.csv', [...V1, 'r2,zhang.wei@example.com,call,2026-11-24 12:00,2026-11-24 12:05,']);
    expect(await run(dup, { seenIds: () => new AllAlike() })).toMatchObject({ stored: false, errorCount: 1, errors: [{ line: 6, column: 'id', message: '记录 csv:r2 与第 3 行重复（同一文件里一条记录只能出现一次）' }] });
    expect(await f.models.Activity.countDocuments()).toBe(0);
    // With --skip-invalid the first r2 and every other row are kept.
    expect(await run(dup, { seenIds: () => new AllAlike(), skipInvalid: true })).toMatchObject({ stored: true, created: 3, parked: 1, errorCount: 1 });
    expect(await f.models.Activity.findOne({ sourceId: 'csv:r2' }).lean()).toMatchObject({ durationMin: 5 });
  });

  it('an import whose process was killed is rolled back by the next import; a live one makes the next import wait', async () => {
    await run(await file('base.csv', V1));
    const before = await snapshot();
    // 20,000 edits of r1..r3 would be refused as repeats: new ids, plus r1 edited on the first row (an update).
    const rows = ['r1,zhang.wei@example.com,visit,2026-11-24 10:00,2026-11-24 12:00,华为技术', ...Array.from({ length: 20_000 }, (_, i) => `k${i},zhang.wei@example.com,call,2026-11-24 10:00,2026-11-24 10:05,`)];
    const big = await file('big.csv', [HEADER, ...rows]);
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/import-csv.ts', big], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', MONGODB_URI: f.db.uri, LOG_LEVEL: 'silent' },
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    // Killed once a few batches are in (the first one updates r1).
    const killed = (async () => {
      for (;;) {
        if ((await f.models.Activity.countDocuments({ sourceId: /^csv:k/ })) >= 3000) return child.kill('SIGKILL');
        if (child.exitCode !== null) return false;
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    expect(await killed).toBe(true);
    expect(await exited).toBe('SIGKILL');
    const dead = await f.models.ActivityImport.findOne({ file: 'big.csv' }).lean();
    expect(dead).toMatchObject({ state: 'running' });
    expect(await f.models.Activity.findOne({ sourceId: 'csv:r1' }).lean()).toMatchObject({ durationMin: 120 });

    // Its heartbeat is fresh: to the next import it is a live import, which it will not run alongside.
    f.clock.set(dead!.heartbeatAt);
    await expect(run(await file('next.csv', [HEADER, 'n1,li.na@example.com,email,2026-11-25 09:00,,']))).rejects.toThrow(/另一个导入正在进行（big\.csv/);
    // Half a minute without a heartbeat: dead. The next import rolls it back first, then runs.
    f.clock.set(new Date(dead!.heartbeatAt.getTime() + 31_000));
    const next = await run(await file('next.csv', [HEADER, 'n1,li.na@example.com,email,2026-11-25 09:00,,']));
    expect(next).toMatchObject({ stored: true, created: 1, recovered: [{ importId: dead!._id, restored: 1 }] });
    expect(next.recovered[0]!.removed).toBeGreaterThanOrEqual(3000);
    expect(await f.models.ActivityImport.findById(dead!._id).lean()).toMatchObject({ state: 'rolled_back' });
    const after = await snapshot();
    expect(after.activities.filter((a) => a.sourceId !== 'csv:n1')).toEqual(before.activities);
    expect(after.parked).toEqual(before.parked);
  }, 240_000);

  it('two imports started at the same moment: one runs, the other is refused before writing anything', async () => {
    const a = await file('same-a.csv', [HEADER, 'a1,li.na@example.com,email,2026-11-25 09:00,,']);
    const b = await file('same-b.csv', [HEADER, 'b1,li.na@example.com,email,2026-11-25 09:00,,']);
    // Same clock for both (one startedAt): the earlier id goes on.
    const results = await Promise.allSettled([run(a), run(b)]);
    const ok = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(ok).toHaveLength(1);
    expect(refused).toHaveLength(1);
    expect(String(refused[0]!.reason)).toMatch(/另一个导入正在进行/);
    const runs = await f.models.ActivityImport.find({}).sort({ _id: 1 }).lean();
    expect(runs.filter((r) => r.state === 'stored')).toHaveLength(1);
    expect(runs.every((r) => r.state === 'stored' || r.state === 'rolled_back')).toBe(true);
    // Only the import that ran stored its row.
    const stored = await f.models.Activity.find({ sourceId: { $in: ['csv:a1', 'csv:b1'] } }).lean();
    expect(stored).toHaveLength(1);
    expect(stored[0]!.sourceId).toBe(`csv:${runs.find((r) => r.state === 'stored')!.file.slice(5, 6)}1`);

    // The run records' own race: both starts pass the "is one running?" check before either has inserted.
    await f.models.ActivityImport.deleteMany({});
    const store = new ImportRunStore(f.models, () => START);
    const begun = await Promise.allSettled([store.begin('x.csv'), store.begin('y.csv')]);
    expect(begun.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(String(begun.find((r): r is PromiseRejectedResult => r.status === 'rejected')?.reason)).toMatch(/另一个导入正在进行/);
    // The loser either saw the winner's record at once, or inserted its own and stepped back (rolled_back).
    const states = (await f.models.ActivityImport.find({}).lean()).map((r) => r.state);
    expect(states.filter((x) => x === 'running')).toHaveLength(1);
    expect(states.every((x) => x === 'running' || x === 'rolled_back')).toBe(true);
  });

  it("the service's recover-imports job rolls back a run that stopped beating, and leaves a live one alone", async () => {
    await run(await file('base.csv', V1));
    const before = await snapshot();
    // A run that wrote (an update of r1, a new record, a newly parked one) and then died.
    const { journal } = await f.core.imports.begin('died.csv');
    await f.core.ingest.ingest(
      [
        { source: 'csv', sourceId: 'csv:r1', person: { kind: 'email', email: 'zhang.wei@example.com' }, type: 'visit', startAt: new Date('2026-11-24T10:00:00+08:00'), durationMin: 99, raw: {} },
        { source: 'csv', sourceId: 'csv:x1', person: { kind: 'email', email: 'zhang.wei@example.com' }, type: 'call', startAt: new Date('2026-11-24T12:00:00+08:00'), durationMin: 3, raw: {} },
        { source: 'csv', sourceId: 'csv:x2', person: { kind: 'email', email: 'nobody@example.com' }, type: 'call', startAt: new Date('2026-11-24T12:00:00+08:00'), durationMin: 3, raw: {} },
      ],
      { reconcile: 'defer', journal },
    );
    expect(await f.models.Activity.countDocuments()).toBe(4);
    const job = recoverImportsJob({ core: f.core, logger: silentLogger });
    await job.handler(undefined as never);
    expect(await f.models.ActivityImport.findById(journal.importId).lean()).toMatchObject({ state: 'running' });
    f.clock.set(new Date(START.getTime() + 31_000));
    await job.handler(undefined as never);
    expect(await f.models.ActivityImport.findById(journal.importId).lean()).toMatchObject({ state: 'rolled_back' });
    expect(await snapshot()).toEqual(before);
  });
});
