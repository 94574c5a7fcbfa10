/**
 * Own local MongoDB-wire servers for tests that need a server of their own (a small heap, a restart, the memory
 * backend) instead of the suite's shared one: each in a fresh temporary directory, all stopped and their
 * directories removed after the file's tests (registers vitest's afterAll when created).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { ensureLocalMongoBuilt, resolveLocalMongoKind, startLocalMongo, type LocalMongo, type LocalMongoKind, type StartLocalMongoOptions } from '../../src/adapters/mongo/local-server.js';

export interface LocalMongoServers {
  /** The kind TEST_MONGO_KIND selects ('auto': the project's default). */
  kind: LocalMongoKind;
  /** A new empty data directory, removed after the file's tests. */
  newDir(prefix: string): Promise<string>;
  /** Starts a server on a data directory (from newDir, or one a stopped server used, to restart on it). */
  start(dataDir: string, opts?: Omit<StartLocalMongoOptions, 'dataDir' | 'kind'>): Promise<LocalMongo>;
}

export function localMongoServers(): LocalMongoServers {
  const kind = resolveLocalMongoKind((process.env.TEST_MONGO_KIND ?? 'auto') as 'auto' | LocalMongoKind);
  const dirs: string[] = [];
  const servers: LocalMongo[] = [];
  afterAll(async () => {
    for (const s of servers) await s.stop();
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });
  return {
    kind,
    async newDir(prefix) {
      const dir = await mkdtemp(join(tmpdir(), `trichain-${prefix}-`));
      dirs.push(dir);
      return dir;
    },
    async start(dataDir, opts = {}) {
      ensureLocalMongoBuilt(kind);
      const s = await startLocalMongo({ ...opts, dataDir, kind });
      servers.push(s);
      return s;
    },
  };
}
