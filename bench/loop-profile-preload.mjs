/**
 * A preload that profiles a Node process and logs its event-loop stalls, for lining a stall up with the
 * code that held the loop (bench/loop-stalls.ts reads what it writes). `--cpu-prof` can't be given through
 * NODE_OPTIONS, and the benches start the bot with NODE_OPTIONS passed through, so this starts the V8
 * profiler from inside the process instead:
 *
 *   LOOP_PROFILE_DIR=/tmp/prof NODE_OPTIONS="--import=$PWD/bench/loop-profile-preload.mjs" \
 *     npm run bench:responsive -- --reps=2000 …
 *   npx tsx bench/loop-stalls.ts /tmp/prof/<pid>
 *
 * Writes, when the process exits (a SIGTERM'd bot exits through its own shutdown):
 *   <dir>/<pid>.cpuprofile — the V8 CPU profile (sampled every LOOP_PROFILE_INTERVAL_US, default 1000 µs);
 *   <dir>/<pid>.stalls.json — every gap ≥ LOOP_STALL_MS (default 20) between ticks of a 5 ms timer, and every
 *     GC pause, on the profile's clock (µs of the monotonic clock: process.hrtime, which V8's profiler uses too).
 * Never loaded in production: only a bench's NODE_OPTIONS names it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';
import { PerformanceObserver, performance } from 'node:perf_hooks';

const dir = process.env.LOOP_PROFILE_DIR;
if (dir) {
  mkdirSync(dir, { recursive: true });
  const stallUs = Number(process.env.LOOP_STALL_MS ?? 20) * 1000;
  const nowUs = () => Number(process.hrtime.bigint() / 1000n);
  // performance.now() (GC entries) and hrtime differ by a constant: measured once.
  const perfToUs = nowUs() - performance.now() * 1000;
  const stalls = [];
  const gcs = [];
  // Wall clock and profile clock at one moment: lines a stall up with the bot's log times.
  const clock = { wallMs: Date.now(), us: nowUs() };

  const session = new Session();
  session.connect();
  // An in-process session answers synchronously: the profiler is running when post() returns.
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: Number(process.env.LOOP_PROFILE_INTERVAL_US ?? 1000) });
  session.post('Profiler.start');

  const TICK_MS = 5;
  let last = nowUs();
  setInterval(() => {
    const now = nowUs();
    // The loop was held from about when this tick was due until now.
    if (now - last - TICK_MS * 1000 >= stallUs) stalls.push({ startUs: last + TICK_MS * 1000, endUs: now });
    last = now;
  }, TICK_MS).unref();

  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcs.push({ startUs: Math.round(e.startTime * 1000 + perfToUs), durationUs: Math.round(e.duration * 1000), kind: e.detail?.kind });
  }).observe({ entryTypes: ['gc'] });

  process.on('exit', () => {
    session.post('Profiler.stop', (err, res) => {
      if (err) return;
      writeFileSync(join(dir, `${process.pid}.cpuprofile`), JSON.stringify(res.profile));
      writeFileSync(join(dir, `${process.pid}.stalls.json`), JSON.stringify({ clock, stalls, gcs }));
    });
  });
}
