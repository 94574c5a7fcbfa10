import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { importCsv, type CsvProgress } from '../../../src/services/activity/csv-import.js';
import { typeAliases } from '../../../src/domain/activity/rules/context.js';
import { coreFixture, type CoreFixture } from './core-helpers.js';

let f: CoreFixture;
let dir: string;
const root = fileURLToPath(new URL('../../..', import.meta.url));

beforeAll(async () => {
  f = await coreFixture('csvimport');
  dir = await mkdtemp(join(tmpdir(), 'trichain-csv-'));
});
afterAll(async () => {
  await f.db.drop();
  await rm(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  await Promise.all([f.models.Activity.deleteMany({}), f.models.UnmatchedRecord.deleteMany({})]);
});

async function file(name: string, text: string): Promise<string> {
  const p = join(dir, name);
  await writeFile(p, text);
  return p;
}
const hex = (h: string) => Buffer.from(h, 'hex');
const run = (path: string, extra: Partial<Parameters<typeof importCsv>[0]> = {}) => importCsv({ file: path, core: f.core, zone: 'Asia/Shanghai', typeAliases: typeAliases(), batchSize: 3, ...extra });

const GOOD = [
  '编号,人员邮箱,类型,开始时间,结束时间,客户名称,客户纬度,客户经度,纬度,经度,dim_方案定制',
  'r1,zhang.wei@example.com,拜访,2026-11-24 10:00,2026-11-24 10:45,华为技术,31.2304,121.4737,31.231,121.474,true',
  'r2,zhang.wei@example.com,电话,2026-11-24 11:00,2026-11-24 11:05,,,,,,',
  'r3,liu.yang@example.com,visit,2026-11-25T09:00:00+08:00,2026-11-25T09:20:00+08:00,"腾讯, 深圳",22.54,113.93,,,',
  'r4,li.na@example.com,email,2026-11-25 09:00,,,,,,,',
  'r5,new.hire@example.com,call,2026-11-25 09:30,2026-11-25 09:40,,,,,,',
].join('\n');

describe('CSV import', () => {
  it('streams a file in batches, reports progress, parks unknown people, and stores nothing twice on a re-run', async () => {
    const p = await file('good.csv', `\uFEFF${GOOD}\n`);
    const progress: CsvProgress[] = [];
    const r = await run(p, { onProgress: (x) => progress.push(x) });
    expect(r).toMatchObject({ rows: 5, valid: 5, errorCount: 0, stored: true, created: 4, parked: 1 });
    expect([...r.unmatchedPeople]).toEqual([['new.hire@example.com', 1]]);
    // One pass that checks and stores, then matching.
    expect(progress.map((x) => x.phase)).toEqual(['import', 'match']);
    expect(progress.at(-2)).toMatchObject({ bytes: progress.at(-2)!.totalBytes, rows: 5 });
    expect(await f.models.Activity.findOne({ sourceId: 'csv:r1' }).lean()).toMatchObject({
      source: 'csv',
      personId: 'rep01',
      type: 'visit',
      startAt: new Date('2026-11-24T02:00:00Z'),
      durationMin: 45,
      counted: true,
      dims: { 方案定制: true },
    });
    expect(await f.models.Activity.findOne({ sourceId: 'csv:r3' }).lean()).toMatchObject({ accountName: '腾讯, 深圳', counted: false, reasons: ['时长 20 分钟 < 30 分钟', '没有位置坐标，且没有签到记录'] });
    const again = await run(p);
    expect(again).toMatchObject({ created: 0, unchanged: 4, parked: 1 });
    expect(await f.models.Activity.countDocuments()).toBe(4);
  });

  it('checks every row first: with any bad row nothing is stored, and each error names its line and column', async () => {
    const bad = [
      'id,person_userid,type,start,end,lat,lng,note',
      'a1,rep01,call,2026-11-24 10:00,2026-11-24 10:05,,,"多行',
      '备注"',
      'a2,rep01,call,2026-11-24 25:00,,,,',
      'a3,rep01,Visit!,2026-11-24 10:00,2026-11-24 09:00,31,,',
      'a4,rep01,call,2026-11-24 10:00',
    ].join('\n');
    const p = await file('bad.csv', bad);
    expect(await run(p)).toMatchObject({ headerErrors: [expect.stringMatching(/第 8 列「note」不认识/)], stored: false });

    const p2 = await file('bad2.csv', bad.replace(',note', ',dim_note'));
    const r = await run(p2);
    expect(r).toMatchObject({ rows: 4, valid: 1, errorCount: 3, stored: false });
    expect(r.errors).toEqual([
      { line: 4, column: 'start', message: '要是时间，例如 2026-11-23 10:00 或 2026-11-23T10:00:00+08:00（收到 "2026-11-24 25:00"）' },
      { line: 5, column: 'type', message: 'type 要用小写英文键，如 visit、call、email、meeting、proposal' },
      { line: 5, column: 'lat/lng', message: '位置坐标要同时给 lat 和 lng' },
      { line: 5, column: 'end', message: 'endAt 早于 startAt' },
      { line: 6, message: '有 4 列，表头有 8 列' },
    ]);
    expect(await f.models.Activity.countDocuments()).toBe(0);

    const skipped = await run(p2, { skipInvalid: true });
    expect(skipped).toMatchObject({ stored: true, created: 1, errorCount: 3 });
    expect(await f.models.Activity.findOne({ sourceId: 'csv:a1' }).lean()).toMatchObject({ dims: { note: '多行\n备注' } });
  });

  it('refuses the same record twice in one file with both lines; --skip-invalid keeps the first (issue 15.4)', async () => {
    const p = await file('dup.csv', [
      'id,person_userid,type,start,end',
      'd1,rep01,call,2026-11-24 10:00,2026-11-24 10:05',
      'd2,rep01,call,2026-11-24 11:00,2026-11-24 11:05',
      'd1,rep01,call,2026-11-24 12:00,2026-11-24 12:45',
    ].join('\n'));
    const r = await run(p);
    expect(r).toMatchObject({ rows: 3, valid: 2, errorCount: 1, stored: false });
    expect(r.errors).toEqual([{ line: 4, column: 'id', message: '记录 csv:d1 与第 2 行重复（同一文件里一条记录只能出现一次）' }]);
    expect(await f.models.Activity.countDocuments()).toBe(0);
    expect(await run(p, { skipInvalid: true, batchSize: 1 })).toMatchObject({ stored: true, created: 2, updated: 0 });
    expect(await f.models.Activity.findOne({ sourceId: 'csv:d1' }).lean()).toMatchObject({ durationMin: 5 });
  });

  it('in a long file: a bad row in the middle stores nothing; repeats are refused with their first line in line order, --skip-invalid keeps the first copies', async () => {
    const header = 'id,person_userid,type,start,end';
    const row = (i: number) => `n${i},rep01,call,2026-11-24 10:00,2026-11-24 10:05`;
    const rows = Array.from({ length: 3000 }, (_, i) => row(i));
    const bad = [...rows];
    bad[1500] = 'n1500,rep01,call,2026-11-24 10:00,2026-11-24 09:00';
    const r = await run(await file('long-bad.csv', [header, ...bad].join('\n')), { batchSize: 100 });
    expect(r).toMatchObject({ rows: 3000, valid: 2999, errorCount: 1, stored: false, errors: [{ line: 1502, column: 'end', message: 'endAt 早于 startAt' }] });
    expect(await f.models.Activity.countDocuments()).toBe(0);

    // n5 four times (lines 7, 2002, 3003, 3006), n2500 twice, and a bad row between them.
    const repeats = [...rows, row(5), row(2500), 'zz,rep01,call,tomorrow,', row(5)];
    const p = await file('long-dup.csv', [header, ...repeats.slice(0, 2000), row(5), ...repeats.slice(2000)].join('\n'));
    const d = await run(p, { batchSize: 100 });
    expect(d).toMatchObject({ rows: 3005, valid: 3000, errorCount: 5, stored: false });
    expect(d.errors).toEqual([
      { line: 2002, column: 'id', message: '记录 csv:n5 与第 7 行重复（同一文件里一条记录只能出现一次）' },
      { line: 3003, column: 'id', message: '记录 csv:n5 与第 7 行重复（同一文件里一条记录只能出现一次）' },
      { line: 3004, column: 'id', message: '记录 csv:n2500 与第 2503 行重复（同一文件里一条记录只能出现一次）' },
      { line: 3005, column: 'start', message: expect.stringContaining('要是时间') },
      { line: 3006, column: 'id', message: '记录 csv:n5 与第 7 行重复（同一文件里一条记录只能出现一次）' },
    ]);
    expect(await f.models.Activity.countDocuments()).toBe(0);
    expect(await run(p, { batchSize: 100, skipInvalid: true })).toMatchObject({ stored: true, created: 3000, updated: 0, errorCount: 5 });
    expect(await f.models.Activity.countDocuments()).toBe(3000);
    // Rows stored before the bad one and rolled back: slow on a busy shared machine.
  }, 180_000);

  it('ties customers named on many rows to their CRM account in every batch (looked up once, remembered for the import)', async () => {
    await f.models.CrmAccount.deleteMany({});
    await f.core.accounts.upsert('salesforce', [
      { sourceId: '001HW', name: '华为技术有限公司', location: { lat: 31.2304, lng: 121.4737 }, deleted: false },
      { sourceId: '001TX', name: '腾讯有限公司', deleted: false },
    ]);
    const names = ['华为技术', '腾讯', '无名客户', '华为技术有限公司'];
    const lines = Array.from({ length: 40 }, (_, i) => `c${i},rep01,visit,2026-11-24 10:00,2026-11-24 10:45,${names[i % 4]}`);
    const lookups: number[] = [];
    const lookup = f.core.accounts.lookup.bind(f.core.accounts);
    f.core.accounts.lookup = async (ids, keys) => (lookups.push(keys.length), lookup(ids, keys));
    try {
      expect(await run(await file('accounts.csv', ['id,person_userid,type,start,end,customer_name', ...lines].join('\n')), { batchSize: 3 })).toMatchObject({ created: 40 });
    } finally {
      f.core.accounts.lookup = lookup;
    }
    // Each name key asked once, whichever batch first named it (华为技术 and 华为技术有限公司 share one key).
    expect(lookups.reduce((a, b) => a + b, 0)).toBe(3);
    const stored = await f.models.Activity.find({}, { sourceId: 1, accountId: 1, customerLocation: 1 }).lean();
    const byId = new Map(stored.map((a) => [a.sourceId, a]));
    for (let i = 0; i < 40; i++) {
      const a = byId.get(`csv:c${i}`)!;
      if (i % 4 === 1) expect(a).toMatchObject({ accountId: '001TX' });
      else if (i % 4 === 2) expect(a.accountId).toBeUndefined();
      else expect(a).toMatchObject({ accountId: '001HW', customerLocation: { lat: 31.2304, lng: 121.4737 } });
    }
    await f.models.CrmAccount.deleteMany({});
  });

  it('reads a GBK/GB18030 file (what Excel in China saves) correctly, never garbled (issue 15.13)', async () => {
    // 华为技术 and 腾讯 in GBK, and 𠀀 (a 4-byte GB18030 character), in a file without a single UTF-8 sequence.
    const bytes = Buffer.concat([
      Buffer.from('id,person_userid,type,start,end,customer_name\r\n'),
      Buffer.from('g1,rep01,visit,2026-11-24 10:00,2026-11-24 10:45,'), hex('bbaaceaabcbccaf5'), Buffer.from('\r\n'),
      Buffer.from('g2,rep01,visit,2026-11-24 14:00,2026-11-24 14:45,'), hex('ccdad1b6'), hex('95328236'), Buffer.from('\r\n'),
    ]);
    const p = join(dir, 'gbk.csv');
    await writeFile(p, bytes);
    expect(await run(p)).toMatchObject({ encoding: 'gb18030', created: 2, errorCount: 0 });
    const names = (await f.models.Activity.find({}, { accountName: 1 }).sort({ sourceId: 1 }).lean()).map((a) => a.accountName);
    expect(names).toEqual(['华为技术', '腾讯𠀀']);
  });

  it('refuses a file that is neither UTF-8 nor GB18030, or UTF-16, with "文件不是 UTF-8，请另存为 UTF-8 CSV", storing nothing (issue 15.13)', async () => {
    const latin1 = join(dir, 'latin1.csv');
    await writeFile(latin1, Buffer.concat([Buffer.from('id,person_userid,type,start,customer_name\n1,rep01,call,2026-11-24 10:00,Caf'), Buffer.from([0xe9, 0x2c, 0x0a])]));
    expect(await run(latin1)).toMatchObject({ headerErrors: ['文件不是 UTF-8，请另存为 UTF-8 CSV'], stored: false });
    const utf16 = join(dir, 'utf16.csv');
    await writeFile(utf16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('id,person_userid\n', 'utf16le')]));
    expect(await run(utf16)).toMatchObject({ headerErrors: ['文件不是 UTF-8，请另存为 UTF-8 CSV（这是 UTF-16 文件）'], stored: false });
    // Valid UTF-8 for the first megabyte, then a stray GBK byte pair: the rows stored before it are taken back.
    const late = join(dir, 'late.csv');
    const rows = Array.from({ length: 30_000 }, (_, i) => `l${i},rep01,call,2026-11-24 10:00,2026-11-24 10:05,客户`).join('\n');
    await writeFile(late, Buffer.concat([Buffer.from(`id,person_userid,type,start,end,customer_name\n${rows}\nlx,rep01,call,2026-11-24 10:00,2026-11-24 10:05,`), hex('bbaa'), Buffer.from('\n')]));
    const r = await run(late, { batchSize: 1000 });
    expect(r).toMatchObject({ headerErrors: ['文件不是 UTF-8，请另存为 UTF-8 CSV'], stored: false, rolledBack: { restored: 0 } });
    expect(r.rolledBack!.removed).toBeGreaterThan(0);
    expect(await f.models.Activity.countDocuments()).toBe(0);
    // 30,000 rows stored and deleted again: slow on a busy shared machine.
  }, 240_000);

  it('a stray quote is reported with its line number and skipped with skipInvalid (issue 15.13)', async () => {
    const p = await file('quote.csv', [
      'id,person_userid,type,start,end,customer_name',
      'q1,rep01,call,2026-11-24 10:00,2026-11-24 10:05,华为',
      'q2,rep01,call,2026-11-24 11:00,2026-11-24 11:05,客户"A"公司',
      'q3,rep01,call,2026-11-24 13:00,2026-11-24 13:05,"阿里 ""云"""',
      // A closing quote followed by more text: csv-parse can't tell where this record ends, so the rest of
      // the file is part of it. It is last here; anywhere else the lines after it are reported too.
      'q4,rep01,call,2026-11-24 12:00,2026-11-24 12:05,"腾讯"x',
    ].join('\n'));
    const r = await run(p);
    expect(r).toMatchObject({ rows: 4, valid: 2, errorCount: 2, stored: false });
    expect(r.errors).toEqual([
      { line: 3, message: '格子中间有引号「"」：格内的引号要写成两个（""），并用引号把整格括起来' },
      { line: 5, message: '右引号后面还有字符：用引号括起来的格，右引号后应直接是逗号或换行' },
    ]);
    expect(await f.models.Activity.countDocuments()).toBe(0);
    expect(await run(p, { skipInvalid: true })).toMatchObject({ stored: true, created: 2, errorCount: 2 });
    expect((await f.models.Activity.find({}).sort({ sourceId: 1 }).lean()).map((a) => [a.sourceId, a.accountName])).toEqual([['csv:q1', '华为'], ['csv:q3', '阿里 "云"']]);
  });

  it('matches imported visits with DingTalk check-ins already stored', async () => {
    await f.core.ingest.ingest(
      [{ source: 'dingtalk_checkin', sourceId: 'rep02:1', person: { kind: 'userId', userId: 'rep02' }, type: 'visit', startAt: new Date('2026-11-25T09:05:00+08:00'), account: { name: '腾讯' }, raw: {} }],
      { reconcile: 'inline' },
    );
    const p = await file('match.csv', ['id,person_email,type,start,end,customer_name', 'm1,liu.yang@example.com,visit,2026-11-25 09:00,2026-11-25 09:40,腾讯有限公司'].join('\n'));
    const r = await run(p);
    expect(r.matched.changed).toBe(2);
    expect(await f.models.Activity.findOne({ sourceId: 'csv:m1' }).lean()).toMatchObject({ counted: true, evidence: { checkin: true } });
    expect(await f.models.Activity.findOne({ sourceId: 'rep02:1' }).lean()).toMatchObject({ mergedInto: { source: 'csv', sourceId: 'csv:m1' } });
  });

  it('reports a database failure during the store pass as an error of the import (not a crash)', async () => {
    const p = await file('fail.csv', GOOD);
    let calls = 0;
    const failing = {
      ...f.core,
      ingest: {
        prepare: (...args: Parameters<typeof f.core.ingest.prepare>) => f.core.ingest.prepare(...args),
        commit: async (...args: Parameters<typeof f.core.ingest.commit>) => {
          if (++calls === 1) throw new Error('database went away');
          return f.core.ingest.commit(...args);
        },
      },
    } as unknown as typeof f.core;
    await expect(importCsv({ file: p, core: failing, zone: 'Asia/Shanghai', typeAliases: typeAliases(), batchSize: 2 })).rejects.toThrow('database went away');
  });

  it('runs as `npm run import:csv`, exit 0 on success and 2 with the bad line on error', async () => {
    const ok = await file('cli-ok.csv', GOOD);
    const bad = await file('cli-bad.csv', 'id,person_userid,type,start\nz1,rep01,call,tomorrow\n');
    const cli = (path: string) =>
      new Promise<{ code: number | null; out: string }>((resolve) => {
        const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/import-csv.ts', path], {
          cwd: root,
          env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', MONGODB_URI: f.db.uri, LOG_LEVEL: 'silent' },
        });
        let out = '';
        child.stdout.on('data', (b: Buffer) => (out += b.toString()));
        child.stderr.on('data', (b: Buffer) => (out += b.toString()));
        child.on('exit', (code) => resolve({ code, out }));
      });
    const good = await cli(ok);
    expect(good.code).toBe(0);
    expect(good.out).toContain('导入完成：5 行，新增 4');
    expect(good.out).toContain('new.hire@example.com：1 行');
    expect(good.out).toMatch(/导入 \[█+\] 100%/);
    const failed = await cli(bad);
    expect(failed.code).toBe(2);
    expect(failed.out).toContain('第 2 行 start：要是时间');
    expect(failed.out).toContain('1 行有错误，没有导入任何记录');
  });
});
