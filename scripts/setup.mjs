#!/usr/bin/env node
// Prepares this machine for `npm start` (--for=run) or `npm test` (--for=test): npm packages, the CJK
// font for charts, the local MongoDB-compatible server (unless MONGODB_URI or a mongod is available),
// and for tests the headless browser. Idempotent: a prepared machine passes through in about a second.
// Node built-ins only, because it runs before node_modules exists.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const purpose = (process.argv.find((a) => a.startsWith('--for=')) ?? '--for=run').slice(6);
const forTest = purpose === 'test';
const log = (msg) => console.error(`[setup] ${msg}`);

function has(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, ...opts });
  if (r.status !== 0) {
    log(`failed: ${cmd} ${args.join(' ')}`);
    process.exit(r.status ?? 1);
  }
}

function dpkgInstalled(pkg) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.includes('install ok installed');
}

let aptUpdated = false;
/** Installs Debian packages when missing; returns false (after explaining) when it can't. */
function aptEnsure(packages, why) {
  const missing = packages.filter((p) => !dpkgInstalled(p));
  if (missing.length === 0) return true;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!has('apt-get') || !isRoot) {
    log(`missing Debian packages for ${why}: ${missing.join(' ')} — install them with: sudo apt-get install -y ${missing.join(' ')}`);
    return false;
  }
  log(`installing ${missing.join(' ')} (${why}) …`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (!aptUpdated) {
    run('apt-get', ['update', '-qq'], { env });
    aptUpdated = true;
  }
  run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { env });
  return true;
}

// 1. Node
const [major] = process.versions.node.split('.').map(Number);
if (major < 20) {
  log(`Node ${process.versions.node} is too old: trichain needs Node 20 or newer.`);
  process.exit(1);
}

// 2. npm packages (npm ci when node_modules is missing or older than the lock file)
const lock = join(root, 'package-lock.json');
const installed = join(root, 'node_modules', '.package-lock.json');
if (!existsSync(installed) || statSync(lock).mtimeMs > statSync(installed).mtimeMs) {
  log('installing npm packages (npm ci) …');
  run('npm', ['ci', '--no-audit', '--no-fund']);
}

// 3. A CJK font: without it every 汉字 in a chart renders as a box.
if (!aptEnsure(['fontconfig', 'fonts-noto-cjk'], 'Chinese text in charts')) {
  if (forTest) process.exit(1);
  log('charts will show boxes instead of Chinese until fonts-noto-cjk is installed.');
}

// 4. The local database server, unless a MongoDB is given or a real mongod is installed.
const kindVar = forTest ? 'TEST_MONGO_KIND' : 'LOCAL_MONGO_KIND';
const kind = process.env[kindVar] || 'auto';
const needsLocalDb = !process.env.MONGODB_URI && !(kind === 'auto' && has('mongod')) && kind !== 'mongod';
if (needsLocalDb) {
  const server = kind === 'ferretdb' ? 'ferretdb' : 'mongo-java-server';
  if (server === 'mongo-java-server' && !(has('mvn') && has('java'))) {
    if (!aptEnsure(['maven', 'openjdk-17-jdk-headless'], 'building the local MongoDB-compatible server')) process.exit(1);
  }
  if (server === 'ferretdb' && !has('go')) {
    log('LOCAL_MONGO_KIND=ferretdb needs Go ≥ 1.24 on PATH (or use the default mongo-java-server).');
    process.exit(1);
  }
  run('bash', [join(root, 'scripts', 'db', 'build.sh'), server], { stdio: ['ignore', 'ignore', 'inherit'] });
}

// 5. Tests only: headless Chromium for the simulator browser test (no browser download; Debian's), and
// an emoji font so the cards' ✅ / ⚠️ show in its screenshots as they do in DingTalk.
if (forTest) {
  const wanted = [...(existsSync('/usr/bin/chromium') ? [] : ['chromium']), 'fonts-noto-color-emoji'];
  if (!aptEnsure(wanted, 'the simulator browser test')) process.exit(1);
}

log(`ready for ${forTest ? 'tests' : 'running the bot'}`);
