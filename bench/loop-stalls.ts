/**
 * What held the event loop: reads what bench/loop-profile-preload.mjs wrote for one process and, for every
 * stall (a gap ≥ LOOP_STALL_MS between ticks of a 5 ms timer), prints its length, the GC time inside it and
 * the code that ran: per stall the innermost frames of ours (src/ or dist/src/) with their sampled time,
 * then the same summed over all stalls.
 *
 *   npx tsx bench/loop-stalls.ts /tmp/prof/<pid> [--min-ms=50] [--top=8] [--from-ms=0] [--to-ms=…]
 *
 * `--from-ms` / `--to-ms` keep the stalls that start in that window of the profile (skip start-up; one phase). A sample whose stack holds no frame
 * of ours is named by its innermost frame (a package, node: internals, "(garbage collector)"). Time of a
 * stall without samples is shown as such: on a busy machine the process is often simply not scheduled.
 */
import { readFileSync } from 'node:fs';

import type { CallFrame, CpuProfile, ProfileNode } from './cpuprofile-summary.js';
interface Span {
  startUs: number;
  endUs: number;
}

const args = process.argv.slice(2);
const base = args.find((a) => !a.startsWith('--'));
if (!base) {
  process.stderr.write('usage: npx tsx bench/loop-stalls.ts <dir>/<pid> [--min-ms=50] [--top=8] [--from-ms=0]\n');
  process.exit(1);
}
const opt = (name: string, dflt: number) => Number(args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? dflt);
const MIN_US = opt('min-ms', 50) * 1000;
const TOP = opt('top', 8);
const FROM_US = opt('from-ms', 0) * 1000;
const TO_US = opt('to-ms', Infinity) * 1000;

const profile = JSON.parse(readFileSync(`${base}.cpuprofile`, 'utf8')) as CpuProfile;
const { clock, stalls, gcs } = JSON.parse(readFileSync(`${base}.stalls.json`, 'utf8')) as {
  clock?: { wallMs: number; us: number };
  stalls: Span[];
  gcs: { startUs: number; durationUs: number; kind?: number }[];
};
/** A stall's wall-clock time (UTC), to line it up with the bot's log; empty for a file written before the clock was kept. */
const wall = (us: number) => (clock ? ` ${new Date(clock.wallMs + (us - clock.us) / 1000).toISOString().slice(11, 23)}` : '');

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const ours = (f: CallFrame) => /\/(dist\/)?src\//.test(f.url) && !f.url.includes('node_modules');
const short = (f: CallFrame) =>
  `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/((dist\/)?src|bench)\//, '$1/')}${f.url ? `:${f.lineNumber + 1}` : ''}`;

// Per node: "innermost ours > innermost frame" (computed once per node).
const labelCache = new Map<number, string>();
function label(id: number): string {
  let l = labelCache.get(id);
  if (l) return l;
  const leaf = byId.get(id)!.callFrame;
  let mine: CallFrame | undefined;
  for (let cur: number | undefined = id; cur !== undefined && !mine; cur = parent.get(cur)) if (ours(byId.get(cur)!.callFrame)) mine = byId.get(cur)!.callFrame;
  l = mine ? (mine === leaf ? short(leaf) : `${short(mine)}  ▸ ${short(leaf)}`) : short(leaf);
  labelCache.set(id, l);
  return l;
}

// Sample times on the profile's clock.
const times: number[] = [];
let t = profile.startTime;
for (const d of profile.timeDeltas) times.push((t += d));

const lower = (x: number) => {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (times[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
};
const total = new Map<string, number>();
const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);
const fmt = (m: Map<string, number>, n: number, indent: string) =>
  [...m]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, v]) => `${indent}${(v / 1000).toFixed(0).padStart(6)} ms  ${k}`)
    .join('\n');

// A sample stands for at most a few sampling intervals: a longer gap between samples means the process
// (its profiler thread included) did not run — the CPU was taken by other processes (the shared machine).
const interval = [...profile.timeDeltas].sort((a, b) => a - b)[profile.timeDeltas.length >> 1] ?? 1000;
const weight = (i: number) => Math.min(profile.timeDeltas[i + 1] ?? 0, 3 * interval);
const NOT_RUNNING = '(no samples: the process was not running — CPU taken by other processes)';

const inWindow = (s: Span) => s.startUs - profile.startTime >= FROM_US && s.startUs - profile.startTime < TO_US;
const shown = stalls.filter((s) => s.endUs - s.startUs >= MIN_US && inWindow(s));
let gcAll = 0;
for (const s of shown) {
  const here = new Map<string, number>();
  let sampled = 0;
  for (let i = lower(s.startUs); i < times.length && times[i]! <= s.endUs; i++) {
    add(here, label(profile.samples[i]!), weight(i));
    sampled += weight(i);
  }
  if (s.endUs - s.startUs - sampled > 3 * interval) add(here, NOT_RUNNING, s.endUs - s.startUs - sampled);
  for (const [k, v] of here) add(total, k, v);
  const gc = gcs.filter((g) => g.startUs < s.endUs && g.startUs + g.durationUs > s.startUs).reduce((a, g) => a + Math.min(g.startUs + g.durationUs, s.endUs) - Math.max(g.startUs, s.startUs), 0);
  gcAll += gc;
  console.log(`stall at +${((s.startUs - profile.startTime) / 1e6).toFixed(1)} s${wall(s.startUs)}: ${((s.endUs - s.startUs) / 1000).toFixed(0)} ms (GC ${(gc / 1000).toFixed(0)} ms)`);
  console.log(fmt(here, TOP, '   '));
}
const all = stalls.filter(inWindow);
const hist = [20, 50, 100, 200, 500].map((ms) => `≥${ms} ms: ${all.filter((s) => s.endUs - s.startUs >= ms * 1000).length}`).join(', ');
console.log(`\n${all.length} stalls from +${FROM_US / 1e6} s${Number.isFinite(TO_US) ? ` to +${TO_US / 1e6} s` : ''} (${hist}); ${shown.length} shown, GC inside them ${(gcAll / 1000).toFixed(0)} ms`);
const sum = (pred: (k: string) => boolean) => [...total].filter(([k]) => pred(k)).reduce((a, [, v]) => a + v, 0) / 1000;
const other = (k: string) => k === NOT_RUNNING || k.startsWith('(garbage collector)') || /^\((idle|program)\)/.test(k);
console.log(
  `in the stalls shown: code (ours and the packages it calls) ${sum((k) => !other(k)).toFixed(0)} ms, GC ${sum((k) => k.startsWith('(garbage collector)')).toFixed(0)} ms, ` +
    `idle/program ${sum((k) => /^\((idle|program)\)/.test(k)).toFixed(0)} ms, not running ${sum((k) => k === NOT_RUNNING).toFixed(0)} ms`,
);
console.log(`summed over the stalls shown:\n${fmt(total, TOP * 3, '  ')}`);
