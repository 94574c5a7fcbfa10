import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DealStore } from '../../../src/adapters/mongo/deal-store.js';
import { IdentityResolver } from '../../../src/adapters/mongo/identity-resolver.js';
import { parseColumnMap, parseRates, parseStageMap, type DealCsvOptions } from '../../../src/domain/crm/deal-csv-row.js';
import { importDealsCsv } from '../../../src/services/deals/deal-csv-import.js';
import { coreFixture, type CoreFixture } from '../activity/core-helpers.js';

let f: CoreFixture;
let dir: string;
const root = fileURLToPath(new URL('../../..', import.meta.url));

beforeAll(async () => {
  f = await coreFixture('dealcsv');
  dir = await mkdtemp(join(tmpdir(), 'trichain-deals-'));
  await f.models.UserMapping.create({ _id: 'maven:Moses Frase', system: 'maven', externalId: 'Moses Frase', personId: 'rep02', createdBy: 'hr01', createdAt: new Date() });
});
afterAll(async () => {
  await f.db.drop();
  await rm(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  await f.models.Deal.deleteMany({});
});

/** The value of a parse that must succeed. */
function must<T extends { ok: boolean }>(r: T): Extract<T, { ok: true }> {
  if (!r.ok) throw new Error(JSON.stringify(r));
  return r as Extract<T, { ok: true }>;
}

async function file(name: string, text: string): Promise<string> {
  const p = join(dir, name);
  await writeFile(p, text);
  return p;
}

const rowOpts = (extra: Partial<DealCsvOptions> = {}): DealCsvOptions => ({
  zone: 'Asia/Shanghai',
  stages: must(parseStageMap('')).stages,
  rates: new Map(),
  defaultCurrency: 'CNY',
  ownerSystem: 'crm',
  ...extra,
});
const run = (path: string, extra: Partial<Parameters<typeof importDealsCsv>[0]> = {}) =>
  importDealsCsv({
    file: path,
    store: new DealStore(f.models, 'Asia/Shanghai', () => f.clock.now()),
    identity: new IdentityResolver(f.models),
    row: rowOpts(),
    source: 'csv:crm',
    batchSize: 2,
    ...extra,
  });

const GOOD = [
  '商机编号,负责人邮箱,客户,阶段,金额,币种,创建日期,关单日期,客户类型',
  'o1,zhang.wei@example.com,华诚科技,赢单,"120,000",CNY,2026-10-08,2026-11-20,新客户',
  'o2,zhang.wei@example.com,华诚科技,Closed Won,80000.5,,2026-10-10,2026-11-25,',
  'o3,liu.yang@example.com,东方制造,输单,0,CNY,2026-10-12,2026-11-02,',
  'o4,liu.yang@example.com,远景物流,谈判,300000,CNY,2026-11-01,,',
].join('\n');

describe('deals CSV import (--kind=deals)', () => {
  it('stores deals with stage outcome, whole-CNY amount, opened and close dates, and new vs existing customer', async () => {
    const p = await file('good.csv', `\uFEFF${GOOD}\n`);
    const phases: string[] = [];
    const r = await run(p, { onProgress: (x) => phases.push(x.phase) });
    expect(r).toMatchObject({ rows: 4, valid: 4, errorCount: 0, stored: true, written: 4, won: 2, amountWonCny: 200_001 });
    expect(phases).toEqual(['check', 'import']);
    const o1 = await f.models.Deal.findOne({ source: 'csv:crm', sourceId: 'o1' }).lean();
    expect(o1).toMatchObject({ personId: 'rep01', accountName: '华诚科技', isWon: true, isClosed: true, amountCny: 120_000, quarterId: '2026Q4', dealType: 'New Customer', isNewCustomer: true });
    expect(o1!.closeDate).toEqual(new Date('2026-11-19T16:00:00Z'));
    expect(o1!.openedDate).toEqual(new Date('2026-10-07T16:00:00Z'));
    // Derived as the Salesforce path does: the account's second won deal is an existing customer.
    expect(await f.models.Deal.findOne({ sourceId: 'o2' }).lean()).toMatchObject({ amountCny: 80_001, isNewCustomer: false });
    expect(await f.models.Deal.findOne({ sourceId: 'o3' }).lean()).toMatchObject({ isWon: false, isClosed: true, amountCny: 0 });
    expect(await f.models.Deal.findOne({ sourceId: 'o4' }).lean()).toMatchObject({ isWon: false, isClosed: false, stage: '谈判' });
  });

  it('is idempotent on (source, id): a re-run changes nothing, an edited row updates its deal in place', async () => {
    const p = await file('again.csv', GOOD);
    await run(p);
    expect(await run(p)).toMatchObject({ written: 0, unchanged: 4 });
    const edited = await file('edited.csv', GOOD.replace('o4,liu.yang@example.com,远景物流,谈判,300000,CNY,2026-11-01,,', 'o4,liu.yang@example.com,远景物流,赢单,310000,CNY,2026-11-01,2026-12-01,'));
    expect(await run(edited)).toMatchObject({ written: 1, unchanged: 3 });
    expect(await f.models.Deal.countDocuments({})).toBe(4);
    expect(await f.models.Deal.findOne({ sourceId: 'o4' }).lean()).toMatchObject({ isWon: true, amountCny: 310_000, isNewCustomer: true });
  });

  it('lists every bad row with its line and stores nothing: amount, date, stage, currency, owner, duplicate id', async () => {
    const p = await file('bad.csv', [
      'id,owner_userid,stage,amount,currency,close_date',
      'b1,rep01,won,12万,CNY,2026-11-20',
      'b2,rep01,won,1000,CNY,2026-13-45',
      'b3,rep01,Verbal Yes,1000,CNY,2026-11-20',
      'b4,rep01,won,1000,USD,2026-11-20',
      'b5,ghost,won,1000,CNY,2026-11-20',
      'b6,rep01,won,-5,CNY,2026-11-20',
      'b7,rep01,won,1000,CNY,2026-11-20',
      'b7,rep01,lost,0,CNY,2026-11-21',
      'b8,rep01,lost,0,CNY,',
    ].join('\n'));
    const r = await run(p);
    expect(r.stored).toBe(false);
    expect(r).toMatchObject({ rows: 9, valid: 1, errorCount: 8 });
    expect(r.errors).toEqual([
      { line: 2, column: 'amount', message: '金额要是数字（收到 "12万"）' },
      { line: 3, column: 'close_date', message: '要是日期，例如 2026-11-23（收到 "2026-13-45"）' },
      { line: 4, column: 'stage', message: '阶段「Verbal Yes」不知道算进行中、赢单还是输单：用 --stages "Verbal Yes=open|won|lost" 指定' },
      { line: 5, column: 'currency', message: '币种 USD 没有配置汇率：加 --rate USD=<1 单位折合多少元> 后重新导入，或先换算成人民币' },
      { line: 6, column: 'owner', message: '负责人「ghost」不是已知的同事：检查邮箱/userid，或让 HR 在机器人里「映射」，再重新导入' },
      { line: 7, column: 'amount', message: '金额不能是负数（收到 -5）' },
      { line: 9, column: 'id', message: '商机编号 b7 在第 8 行已出现过' },
      { line: 10, column: 'close_date', message: '输单的商机要有关单日期' },
    ]);
    expect(await f.models.Deal.countDocuments({})).toBe(0);
    // --skip-invalid stores the one good row; --dry-run stores nothing even then.
    expect(await run(p, { dryRun: true, skipInvalid: true })).toMatchObject({ stored: false, valid: 1 });
    expect(await run(p, { skipInvalid: true })).toMatchObject({ stored: true, written: 1, errorCount: 8 });
    expect(await f.models.Deal.find({}, { sourceId: 1 }).lean()).toEqual([expect.objectContaining({ sourceId: 'b7' })]);
  });

  it('loads a real export unedited with --map, --stages and a configured rate (Maven CRM format)', async () => {
    const p = await file('maven.csv', [
      'opportunity_id,sales_agent,product,account,deal_stage,engage_date,close_date,close_value',
      '1C1I7A6R,Moses Frase,GTX Plus Basic,Cancity,Won,2016-10-20,2017-03-01,1054',
      'HAXMC4IX,Moses Frase,MG Advanced,,Engaging,2017-01-03,,',
      'ZZ1,Moses Frase,GTX Pro,Cancity,Lost,2017-01-05,2017-03-04,0',
    ].join('\r\n'));
    const map = must(parseColumnMap('sales_agent=owner_external,product=-,engage_date=opened,close_value=amount'));
    const header = await run(p, { row: rowOpts({ ownerSystem: 'maven' }) });
    expect(header.headerErrors).toEqual([expect.stringContaining('第 3 列「product」不认识。用 --map "product=<字段>"')]);
    const refused = await run(p, { columnMap: map.map, row: rowOpts({ ownerSystem: 'maven', defaultCurrency: 'USD' }) });
    expect(refused.errors.map((e) => e.column)).toEqual(['currency', 'currency', 'currency']);
    const rates = must(parseRates('USD=7.1'));
    const r = await run(p, { columnMap: map.map, source: 'maven', row: rowOpts({ ownerSystem: 'maven', defaultCurrency: 'USD', rates: rates.rates }) });
    expect(r).toMatchObject({ stored: true, written: 3, won: 1, amountWonCny: 7483 });
    expect(await f.models.Deal.findOne({ source: 'maven', sourceId: '1C1I7A6R' }).lean()).toMatchObject({ personId: 'rep02', amountCny: 7483, quarterId: '2017Q1', accountId: 'name:cancity' });
  });

  it('runs as `npm run import:csv -- --kind=deals`, exit 0 on success and 2 with the bad line on error', async () => {
    const ok = await file('cli-ok.csv', GOOD);
    const bad = await file('cli-bad.csv', 'id,owner_userid,stage,amount,close_date\nz1,rep01,won,abc,2026-11-20\n');
    const cli = (...args: string[]) =>
      new Promise<{ code: number | null; out: string }>((resolve) => {
        const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/import-csv.ts', '--kind=deals', ...args], {
          cwd: root,
          env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', MONGODB_URI: f.db.uri, LOG_LEVEL: 'silent' },
        });
        let out = '';
        child.stdout.on('data', (b: Buffer) => (out += b.toString()));
        child.stderr.on('data', (b: Buffer) => (out += b.toString()));
        child.on('exit', (code) => resolve({ code, out }));
      });
    const good = await cli(ok);
    expect(good.out).toContain('导入完成：4 行商机，新增或更新 4，未变 0；其中赢单 2 单，共 200,001 元');
    expect(good.code).toBe(0);
    expect(good.out).toMatch(/导入 \[█+\] 100%/);
    const failed = await cli(bad);
    expect(failed.code).toBe(2);
    expect(failed.out).toContain('第 2 行 amount：金额要是数字');
    expect(failed.out).toContain('1 行有错误，没有导入任何商机');
    const typo = await cli(ok, '--map', 'foo');
    expect(typo.code).toBe(1);
    expect(typo.out).toContain('--map 的「foo」要写成 列名=字段');
  });
});
