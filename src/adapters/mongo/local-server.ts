/**
 * Starts a local MongoDB-compatible server for development and tests.
 *
 * Real `mongod` cannot be downloaded on the project's machines, so besides a `mongod` found on
 * PATH this can run one of two servers built from registry packages by `scripts/db/build.sh`:
 * FerretDB v1.24.2 (SQLite) or mongo-java-server 1.47.0 (H2 MVStore). The default was chosen by
 * measurement: see docs/database-compat.md.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { accessSync, constants as fsConstants, existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { homedir } from 'node:os';
import { MongoClient } from 'mongodb';
import type { Logger } from 'pino';

export type LocalMongoKind = 'mongod' | 'ferretdb' | 'mongo-java-server';

/** What 'auto' runs when no `mongod` is on PATH (see docs/database-compat.md for why). */
export const DEFAULT_LOCAL_KIND: Exclude<LocalMongoKind, 'mongod'> = 'mongo-java-server';

export interface LocalMongo {
  /** Connection string without a database name, e.g. `mongodb://127.0.0.1:40123/`. */
  uri: string;
  kind: LocalMongoKind;
  /** The server process's id (for memory figures and crash tests). */
  pid: number | undefined;
  /** Stops the server (SIGTERM, then SIGKILL after a grace period). Safe to call twice. */
  stop(): Promise<void>;
}

export interface StartLocalMongoOptions {
  /** Data lives in `<dataDir>/<kind>/`, so switching kinds never mixes incompatible files. */
  dataDir: string;
  kind?: 'auto' | LocalMongoKind;
  /** TCP port on 127.0.0.1; a free one is chosen when omitted. */
  port?: number;
  logger?: Logger;
  /** How long to wait for the server to answer `ping`; default 30 s (a cold JVM needs ~1 s). */
  readyTimeoutMs?: number;
  /**
   * mongo-java-server's JVM heap cap (-Xmx), default '1g'. Since launcher -r2 aggregations and batched finds
   * stream, so the heap bounds a query's result (a sort, a find without batchSize), not the data: 1 GB held
   * 3M activities (docs/database-compat.md, "Capacity"). The JVM exits when it runs out
   * (-XX:+ExitOnOutOfMemoryError).
   */
  javaMaxHeap?: string;
  /**
   * mongo-java-server only: keep data in memory instead of the H2 file (faster; gone on stop). The memory
   * backend still materialises every aggregation's input: it needs a heap larger than the data.
   */
  javaInMemory?: boolean;
  /**
   * mongo-java-server on H2 only: H2 commits in the background every N ms (default 100), so a SIGKILLed
   * server loses up to about the last N ms of acknowledged writes (a SIGTERM loses nothing). 0 commits before
   * every acknowledgement; measured, that was worse after a SIGKILL (H2's recovery sometimes fell back
   * hundreds of writes): docs/database-compat.md ("Capacity").
   */
  javaCommitDelayMs?: number;
}

// Keep in sync with scripts/db/build.sh.
const ARTIFACTS = {
  ferretdb: { dir: 'ferretdb-1.24.2', file: 'ferretdb-launcher' },
  'mongo-java-server': { dir: 'mongo-java-server-1.47.0-r4', file: 'mongo-java-server-launcher.jar' },
} as const;

const STOP_GRACE_MS = 10_000;

export async function startLocalMongo(opts: StartLocalMongoOptions): Promise<LocalMongo> {
  const kind = resolveLocalMongoKind(opts.kind);
  const dataDir = resolve(opts.dataDir, kind);
  mkdirSync(dataDir, { recursive: true });
  const log = opts.logger?.child({ component: 'local-mongo', kind });

  let command: string;
  let args: string[];
  let port = opts.port;
  switch (kind) {
    case 'mongod':
      // mongod cannot report a port it picked itself, so find a free one first.
      if (findOnPath('mongod') === undefined) throw new Error('kind mongod: no `mongod` on PATH');
      port ??= await findFreePort();
      command = 'mongod';
      args = ['--dbpath', dataDir, '--bind_ip', '127.0.0.1', '--port', String(port)];
      break;
    case 'ferretdb':
      // Port 0 lets the launcher bind any free port and print it: no window for another
      // process to take a port between our probe and the server's bind.
      command = artifactPath('ferretdb');
      args = ['--listen', `127.0.0.1:${port ?? 0}`, '--data-dir', dataDir];
      break;
    case 'mongo-java-server':
      // Launcher -r2's H2 store streams aggregations and cursors instead of loading whole collections into
      // the heap (docs/database-compat.md, "Capacity"); -r3 keeps and uses non-unique indexes ("Indexes");
      // -r4 checks long $in lists in a hash set and keeps unique indexes in a faster map ("Launcher -r4").
      if (findOnPath('java') === undefined) {
        throw new Error('mongo-java-server needs `java` (JDK/JRE 17+) on PATH: apt-get install -y openjdk-17-jre-headless');
      }
      command = 'java';
      // Without a cap the JVM may take a quarter of RAM (6 GB here) per server; 1 GB was enough
      // for the 100k-document probe (see docs/database-compat.md).
      args = [
        `-Xmx${opts.javaMaxHeap ?? '1g'}`,
        // A JVM out of heap can go on half-working (a failed thread, replies lost): end it, so clients and
        // the supervisor see a failure instead of a server that acknowledged work it then dropped.
        '-XX:+ExitOnOutOfMemoryError',
        '-jar',
        artifactPath('mongo-java-server'),
        '--port',
        String(port ?? 0),
        ...(opts.javaInMemory ? ['--memory'] : ['--data-dir', dataDir, '--commit-delay-ms', String(opts.javaCommitDelayMs ?? 100)]),
      ];
      break;
  }

  log?.debug({ command, args }, 'starting local MongoDB-compatible server');
  // Not detached: the child stays in our process group, so a terminal's Ctrl-C reaches it too.
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  trackChild(child);

  const stderrTail: string[] = [];
  const remember = (line: string): void => {
    stderrTail.push(line);
    if (stderrTail.length > 30) stderrTail.shift();
    log?.debug({ line }, 'server output');
  };
  const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
  const spawnError = new Promise<Error>((res) => child.once('error', res));

  const readyTimeoutMs = opts.readyTimeoutMs ?? 30_000;
  let timer: NodeJS.Timeout | undefined;
  try {
    const uri = await Promise.race([
      waitForListening(child, kind, port, remember),
      spawnError.then((err) => Promise.reject(err)),
      exited.then((code) => Promise.reject(new Error(`${kind} exited (code ${code}) before it was ready:\n${stderrTail.join('\n')}`))),
      new Promise<never>((_, rej) => {
        timer = setTimeout(() => rej(new Error(`${kind} printed no "listening" line within ${readyTimeoutMs} ms`)), readyTimeoutMs);
      }),
    ]).finally(() => clearTimeout(timer));
    await Promise.race([
      waitForPing(uri, readyTimeoutMs),
      exited.then((code) => Promise.reject(new Error(`${kind} exited (code ${code}) during start-up:\n${stderrTail.join('\n')}`))),
    ]);
    log?.info({ uri, dataDir }, 'local MongoDB-compatible server ready');

    let stopping: Promise<void> | undefined;
    return {
      uri,
      kind,
      pid: child.pid,
      stop: () => (stopping ??= stopChild(child, exited)),
    };
  } catch (err) {
    await stopChild(child, exited);
    throw err;
  }
}

/** What `kind` means on this machine: 'auto' is `mongod` when on PATH, else the default. */
export function resolveLocalMongoKind(kind: 'auto' | LocalMongoKind = 'auto'): LocalMongoKind {
  if (kind !== 'auto') return kind;
  return findOnPath('mongod') !== undefined ? 'mongod' : DEFAULT_LOCAL_KIND;
}

/**
 * Runs `scripts/db/build.sh <kind>` when the artifact is missing (for test set-up and dev start;
 * a cached build returns at once). Needs Go (ferretdb) or Maven + JDK (mongo-java-server).
 */
export function ensureLocalMongoBuilt(kind: LocalMongoKind): void {
  if (kind === 'mongod') return;
  const a = ARTIFACTS[kind];
  const cache = defaultCacheDir();
  if (existsSync(join(cache, a.dir, a.file))) return;
  const r = spawnSync('bash', [join(repoRoot(), 'scripts', 'db', 'build.sh'), kind], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) throw new Error(`scripts/db/build.sh ${kind} failed (exit ${r.status ?? r.signal})`);
}

/** Where build.sh puts the artifact: TRICHAIN_DB_CACHE, else ~/.cache/trichain/db (same rule as build.sh). */
export function artifactPath(kind: keyof typeof ARTIFACTS): string {
  const a = ARTIFACTS[kind];
  const cache = defaultCacheDir();
  const path = join(cache, a.dir, a.file);
  if (!existsSync(path)) {
    throw new Error(`${kind} is not built (${path} missing): run scripts/db/build.sh ${kind}`);
  }
  return path;
}

/** The repo root, found by walking up, so this works from src/ under tsx and from dist/. */
function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'scripts', 'db', 'build.sh'))) return dir;
    const up = dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
}

function findOnPath(cmd: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, cmd);
    try {
      accessSync(candidate, fsConstants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

async function findFreePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => (port > 0 ? res(port) : rej(new Error('could not find a free port'))));
    });
  });
}

/**
 * Resolves with the server's URI. The launchers print `... listening on mongodb://host:port/`
 * (with the real port when 0 was asked for); mongod's port is already known.
 */
function waitForListening(
  child: ChildProcess,
  kind: LocalMongoKind,
  port: number | undefined,
  onStderr: (line: string) => void,
): Promise<string> {
  const forEachLine = (stream: NodeJS.ReadableStream | null, fn: (line: string) => void): void => {
    let buf = '';
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      buf += chunk;
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        fn(buf.slice(0, nl));
        buf = buf.slice(nl + 1);
      }
    });
  };
  forEachLine(child.stderr, onStderr);
  if (kind === 'mongod') {
    // mongod logs JSON to stdout; keep draining it so the pipe never fills and blocks the server.
    forEachLine(child.stdout, onStderr);
    return Promise.resolve(`mongodb://127.0.0.1:${port}/`);
  }
  return new Promise((res) => {
    forEachLine(child.stdout, (line) => {
      const m = / listening on (mongodb:\/\/\S+)/.exec(line);
      if (m?.[1] !== undefined) res(m[1]);
      else onStderr(line);
    });
  });
}

/** Ready means answering `ping` over the wire protocol, not merely having a bound socket. */
async function waitForPing(uri: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    const client = new MongoClient(uri, { serverSelectionTimeoutMS: 1_000, connectTimeoutMS: 1_000, directConnection: true });
    try {
      await client.connect();
      await client.db('admin').command({ ping: 1 });
      return;
    } catch (err) {
      lastError = err;
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      await client.close().catch(() => undefined);
    }
  }
  throw new Error(`server at ${uri} did not answer ping within ${timeoutMs} ms: ${String(lastError)}`);
}

async function stopChild(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  // pid is undefined when spawn itself failed (e.g. ENOENT): there is nothing to stop.
  if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
    child.kill('SIGTERM'); // all three servers flush their files on SIGTERM
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    await exited;
    clearTimeout(timer);
  }
  liveChildren.delete(child);
}

// Children still running when this process exits (normally, via process.exit, or an uncaught
// error) are sent SIGTERM from a synchronous 'exit' hook. If this process is SIGKILLed the hook
// cannot run; both launchers then notice they were re-parented and stop themselves.
const liveChildren = new Set<ChildProcess>();
let exitHookInstalled = false;

function trackChild(child: ChildProcess): void {
  liveChildren.add(child);
  child.once('exit', () => liveChildren.delete(child));
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const c of liveChildren) c.kill('SIGTERM');
    });
  }
}

function defaultCacheDir(): string {
  return process.env.TRICHAIN_DB_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'trichain', 'db');
}
