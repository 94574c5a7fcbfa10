/**
 * `npm run import:csv` when the database goes away mid-import (issue 15 item 8): the CLI must end with a
 * non-zero exit and the reason, never "导入完成" with exit 0. The server here is this file's own, so it can be
 * killed without touching the suite's shared one.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { ensureLocalMongoBuilt, resolveLocalMongoKind, startLocalMongo, type LocalMongo, type LocalMongoKind } from '../../../src/adapters/mongo/local-server.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const kind = resolveLocalMongoKind((process.env.TEST_MONGO_KIND ?? 'auto') as 'auto' | LocalMongoKind);
let dir = '';
let server: LocalMongo | undefined;
afterAll(async () => {
  await server?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

it('exits non-zero with the reason when the database dies during the import', async () => {
  ensureLocalMongoBuilt(kind);
  dir = await mkdtemp(join(tmpdir(), 'trichain-import-dbdown-'));
  server = await startLocalMongo({ dataDir: join(dir, 'db'), kind });
  const rows = Array.from({ length: 30_000 }, (_, i) => `k${i},rep${i % 50},call,2026-11-${String(2 + (i % 20)).padStart(2, '0')} 10:${String(i % 60).padStart(2, '0')}`);
  const file = join(dir, 'big.csv');
  await writeFile(file, `id,person_userid,type,start\n${rows.join('\n')}\n`);

  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/import-csv.ts', file], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', MONGODB_URI: `${server.uri.replace(/\/$/, '')}/importdown`, LOG_LEVEL: 'silent' },
  });
  let out = '';
  let killed = false;
  const db = server;
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const onData = (b: Buffer) => {
    out += b.toString();
    // The import phase has begun (its progress bar is drawn): the database goes away now.
    if (!killed && out.includes('导入 [')) {
      killed = true;
      process.kill(db.pid!, 'SIGKILL');
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const code = await exited;
  expect(killed).toBe(true);
  expect(out).not.toContain('导入完成');
  expect(code).toBe(1);
  expect(out).toMatch(/导入失败：.+/);
  expect(out).toContain('数据库连接中断');
}, 120_000);
