/**
 * Vitest global setup for the integration project: one MongoDB-wire server for the whole run.
 *
 * - MONGODB_URI set: use that server as is (e.g. a real mongod in some environment).
 * - otherwise: start the local server (`TEST_MONGO_KIND`, default 'auto' = mongod on PATH, else
 *   the project default) in a fresh temp dir, building it first if needed (cached after once).
 *
 * Tests read the URI with `inject('mongoUri')`; child processes get it as MONGODB_URI. Each test
 * file picks its own database name, so files running in parallel never share data.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import {
  ensureLocalMongoBuilt,
  resolveLocalMongoKind,
  startLocalMongo,
  type LocalMongoKind,
} from '../../src/adapters/mongo/local-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Server URI without a database name, e.g. mongodb://127.0.0.1:40123/ */
    mongoUri: string;
  }
}

const KINDS: ReadonlyArray<'auto' | LocalMongoKind> = ['auto', 'mongod', 'ferretdb', 'mongo-java-server'];

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const given = process.env.MONGODB_URI;
  if (given !== undefined && given !== '') {
    project.provide('mongoUri', given);
    return async () => undefined;
  }

  const requested = process.env.TEST_MONGO_KIND ?? 'auto';
  const match = KINDS.find((k) => k === requested);
  if (match === undefined) throw new Error(`TEST_MONGO_KIND must be one of ${KINDS.join(', ')}, got '${requested}'`);
  const kind = resolveLocalMongoKind(match);
  ensureLocalMongoBuilt(kind);

  const dataDir = await mkdtemp(join(tmpdir(), 'trichain-test-mongo-'));
  const server = await startLocalMongo({ dataDir, kind });
  project.provide('mongoUri', server.uri);
  process.env.MONGODB_URI = server.uri; // inherited by forked workers and any child process

  return async () => {
    await server.stop();
    delete process.env.MONGODB_URI;
    await rm(dataDir, { recursive: true, force: true });
  };
}
