/**
 * What bench/report-fanout.ts and bench/responsive.ts share: a seeded company in a database of its own on
 * one local MongoDB-wire server, the DingTalk stand-in, and the bot as its own process (as in production)
 * whose RSS is sampled from /proc.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { DateTime } from 'luxon';
import mongoose from 'mongoose';
import { createModels, ensureIndexes, type Models } from '../src/adapters/mongo/models/index.js';
import { FakeDingTalk } from '../src/fake-dingtalk/fake-dingtalk.js';
import { spawnBot } from '../test/helpers/bot-process.js';
import { seedReportData, type SeededOrg } from '../test/helpers/report-seed.js';

export const log = (s: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${s}`);
export const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;
export const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' / ');

export function procStatus(pid: number, key: 'VmRSS' | 'VmHWM'): number {
  const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : 0;
}

/** One reading of the bot's /proc status: RSS split into anonymous and file-backed pages (kB), and its threads. */
function procSample(pid: number): { kb: number; anon: number; file: number; threads: number } {
  const st = readFileSync(`/proc/${pid}/status`, 'utf8');
  const n = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(st)?.[1] ?? 0);
  return { kb: n('VmRSS'), anon: n('RssAnon'), file: n('RssFile'), threads: n('Threads') };
}

/** Builds dist/ once, as the Docker image runs it (`--from=dist`). */
export function buildDist(): void {
  log('building dist/ (tsc -p tsconfig.build.json) …');
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
}

export interface Company {
  uri: string;
  conn: mongoose.Connection;
  models: Models;
  org: SeededOrg;
  /** Cards a full Friday run delivers: every rep's report and every manager's summary. */
  cards: number;
  /** Moves the quarter's report time to the minute that just passed: the bot's next tick starts the run. */
  scheduleNow(): Promise<void>;
  drop(): Promise<void>;
}

/**
 * Seeds `reps` into a fresh database on `serverUri` (the seed writes raw documents with insertMany in
 * batches of 5,000). The report is scheduled far away until scheduleNow().
 */
export async function seedCompany(serverUri: string, o: { reps: number; perManager: number; activities: number; name: string }): Promise<Company> {
  const uri = `${serverUri.replace(/\/$/, '')}/${o.name}_${Date.now()}`;
  // Long aggregations on the local server can starve its heartbeat answers; don't give up on it for that.
  const conn = await mongoose.createConnection(uri, { serverSelectionTimeoutMS: 600_000, heartbeatFrequencyMS: 30_000, socketTimeoutMS: 0 }).asPromise();
  const models = createModels(conn);
  await ensureIndexes(models);
  const now = new Date();
  const due = DateTime.fromJSDate(new Date(now.getTime() - 60_000), { zone: 'Asia/Shanghai' });
  const t = performance.now();
  log(`seeding ${o.reps} reps (${o.perManager} per manager, ~${o.activities} activities/week) …`);
  const org = await seedReportData(models, { reps: o.reps, repsPerManager: o.perManager, now, seed: 1, activitiesPerWeek: o.activities, reportSchedule: { weekday: ((due.weekday + 2) % 7) + 1, time: '03:00' } });
  log(`seeded in ${((performance.now() - t) / 1000).toFixed(1)} s: ${await models.Activity.estimatedDocumentCount()} activities, ${await models.Deal.estimatedDocumentCount()} deals`);
  return {
    uri,
    conn,
    models,
    org,
    cards: org.reps.length + org.managers.length,
    async scheduleNow() {
      let at = DateTime.fromJSDate(new Date(Date.now() - 60_000), { zone: 'Asia/Shanghai' });
      // The bot moves a report due on a weekend or holiday to the next working day (company calendar): on a
      // Saturday or Sunday in Shanghai, Friday 23:59 is the latest due time that still starts a run now.
      if (at.weekday >= 6) at = at.minus({ days: at.weekday - 5 }).set({ hour: 23, minute: 59 });
      // On a connection of its own, with a bounded wait: the seeding connection, idle for minutes after a
      // long seed, once hung here with no error (10,000 reps, local server).
      const fresh = await mongoose.createConnection(uri, { serverSelectionTimeoutMS: 60_000 }).asPromise();
      try {
        const write = createModels(fresh).Quarter.updateOne({ _id: org.quarterId }, { $set: { reportSchedule: { weekday: at.weekday, time: at.toFormat('HH:mm') } } });
        await Promise.race([write, new Promise((_, reject) => setTimeout(() => reject(new Error('scheduling the report took over 60 s')), 60_000).unref())]);
      } finally {
        await fresh.close().catch(() => undefined);
      }
      log(`report scheduled for ${at.toFormat('ccc HH:mm')} Shanghai (a minute ago)`);
    },
    async drop() {
      await conn.dropDatabase().catch(() => undefined);
      await conn.close();
    },
  };
}

/** The bot against the company, with its RSS sampled every 250 ms (peak = max of samples and VmHWM). */
export async function startBot(fake: FakeDingTalk, company: Company, env: Record<string, string>, from: 'dist' | 'src') {
  fake.org.load({ users: company.org.fakeUsers });
  // The allocator and V8 settings a deployment may set (Dockerfile), passed through when the bench is given them;
  // ACTIVITY_SYNC_* too, to bring the 15-minute check-in sync into a shorter window.
  const passed = Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => /^(MALLOC_|NODE_OPTIONS$|LD_PRELOAD$|ACTIVITY_SYNC_)/.test(e[0]) && !!e[1]));
  const bot = spawnBot({ ...fake.env(), MONGODB_URI: company.uri, PORT: '0', REPORT_TICK_SECONDS: '2', LOG_LEVEL: 'info', ...passed, ...env }, { from });
  await bot.waitFor(/trichain is up/, 120_000);
  const pid = bot.child.pid!;
  let peak = procStatus(pid, 'VmRSS');
  // Where the peak came: the time of the highest sample and how much of the bot's log had been printed.
  let peakAt = Date.now();
  let peakOutLen = bot.output().length;
  // A coarse timeline (max RSS per 5 s and the bot's last log message then), to line the peak up with a phase.
  const timeline: Array<{ at: number; kb: number; outLen: number }> = [];
  // Every sample, to show the seconds around the peak (a thread more = a worker booting; anon vs file pages).
  const samples: Array<{ at: number; kb: number; anon: number; file: number; threads: number }> = [];
  const sampler = setInterval(() => {
    try {
      const sample = procSample(pid);
      const kb = sample.kb;
      samples.push({ at: Date.now(), ...sample });
      if (kb > peak) (peak = kb), (peakAt = Date.now()), (peakOutLen = bot.output().length);
      const bucket = Math.floor(Date.now() / 5000) * 5000;
      const last = timeline.at(-1);
      if (last?.at === bucket) (last.kb = Math.max(last.kb, kb)), (last.outLen = bot.output().length);
      else timeline.push({ at: bucket, kb, outLen: bot.output().length });
    } catch {
      /* process gone */
    }
  }, 250);
  /** The last JSON log message printed before `outLen` characters of output. */
  const lastMsgBefore = (outLen: number) => {
    const lines = bot.output().slice(0, outLen).split('\n').filter((l) => l.startsWith('{'));
    for (let i = lines.length - 1; i >= 0; i--) {
      try {
        return String((JSON.parse(lines[i]!) as { msg?: unknown }).msg ?? '');
      } catch {
        /* a line cut by the slice */
      }
    }
    return '';
  };
  return {
    bot,
    pid,
    rssKb: () => procStatus(pid, 'VmRSS'),
    peakKb: () => {
      try {
        return Math.max(peak, procStatus(pid, 'VmHWM'));
      } catch {
        return peak;
      }
    },
    /** The samples within `ms` of the highest one: RSS, anonymous and file-backed pages (kB) and threads. */
    aroundPeak: (ms = 6000) => samples.filter((x) => Math.abs(x.at - peakAt) <= ms),
    /** When the highest RSS sample was taken, and the bot's last log message before it. */
    peakWhere: () => ({ at: peakAt, lastMsg: lastMsgBefore(peakOutLen) }),
    /** Max RSS per 5 s since start (kB), with the last log message printed by then; collapses repeats. */
    timeline: (from = 0) => timeline.filter((p) => p.at >= from).map((p) => ({ at: p.at, kb: p.kb, lastMsg: lastMsgBefore(p.outLen) })),
    /** The bot's JSON log lines with this msg. */
    logs: (msg: string) =>
      bot
        .output()
        .split('\n')
        .filter((l) => l.startsWith('{') && l.includes(msg))
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    async stop() {
      clearInterval(sampler);
      bot.child.kill('SIGTERM');
      await bot.exited;
    },
  };
}
