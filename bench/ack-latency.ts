/**
 * Ack latency under load: the fake DingTalk (in this process) pushes robot-message frames at a steady
 * rate to the bot running as its own process (real SDK, real handlers, local database), and times
 * push → ack as DingTalk would see it. Every frame is also fully handled (dedupe + reply).
 *
 *   npx tsx bench/ack-latency.ts [--rate=200] [--seconds=10]
 *
 * Uses MONGODB_URI when set, otherwise starts the local MongoDB-compatible server in a temp dir.
 * Target: p99 ≤ 50 ms at 200 frames/s.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnBot } from '../test/helpers/bot-process.js';
import { startLocalMongo } from '../src/adapters/mongo/local-server.js';
import { FakeDingTalk } from '../src/fake-dingtalk/fake-dingtalk.js';
import { say } from '../src/fake-dingtalk/people.js';

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const RATE = Number(args.get('rate') ?? 200);
const SECONDS = Number(args.get('seconds') ?? 10);

const pct = (s: number[], p: number) => s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'trichain-bench-ack-'));
  const local = process.env.MONGODB_URI ? undefined : await startLocalMongo({ dataDir: dir });
  const uri = process.env.MONGODB_URI ?? `${local!.uri}bench_ack`;
  const fake = await new FakeDingTalk().start();
  const users = Array.from({ length: 50 }, (_, i) => ({ userid: `u${i}`, name: `用户${i}`, deptIds: [1] }));
  fake.org.load({ users });
  const bot = spawnBot({ ...fake.env(), MONGODB_URI: uri, PORT: '0', LOG_LEVEL: 'warn', DINGTALK_SEND_QPS: '1000' });
  try {
    while (fake.stream.connectionCount() === 0) await new Promise((r) => setTimeout(r, 100));
    // Warm up the path (JIT, connection pools) before measuring.
    for (let i = 0; i < 50; i++) say(fake, { userId: `u${i % 50}`, text: '帮助' });
    await new Promise((r) => setTimeout(r, 2000));
    fake.stream.acks.length = 0;

    const total = RATE * SECONDS;
    const ids: string[] = [];
    const interval = 1000 / RATE;
    const t0 = performance.now();
    for (let i = 0; i < total; i++) {
      const due = t0 + i * interval;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      ids.push(say(fake, { userId: `u${i % 50}`, text: i % 2 ? '帮助' : 'help' }).messageId);
    }
    const sendSecs = (performance.now() - t0) / 1000;
    const deadline = Date.now() + 30_000;
    while (fake.stream.acks.length < total && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const wanted = new Set(ids);
    const lat = fake.stream.acks.filter((a) => wanted.has(a.messageId)).map((a) => a.latencyMs).sort((a, b) => a - b);
    const handledAtAcks = fake.outbox.deliveries.length - 50;
    // Then wait for every reply: acks come first by design, answers follow at the bot's own pace.
    const replyDeadline = Date.now() + 120_000;
    while (fake.outbox.deliveries.length - 50 < total && Date.now() < replyDeadline) await new Promise((r) => setTimeout(r, 100));
    const allRepliedSecs = (performance.now() - t0) / 1000;
    const handled = fake.outbox.deliveries.length - 50;
    console.log(`frames pushed: ${total} in ${sendSecs.toFixed(1)} s (${(total / sendSecs).toFixed(0)}/s target ${RATE}/s)`);
    console.log(`acks received: ${lat.length} (${total - lat.length} missing)`);
    console.log(`ack latency push→ack: p50 ${pct(lat, 50).toFixed(1)} ms  p99 ${pct(lat, 99).toFixed(1)} ms  max ${lat.at(-1)!.toFixed(1)} ms  (target p99 ≤ 50 ms)`);
    console.log(`replies delivered when the last ack arrived: ${handledAtAcks}; all ${handled}/${total} replies by ${allRepliedSecs.toFixed(1)} s after the first push (${(handled / allRepliedSecs).toFixed(0)} replies/s)`);
  } finally {
    bot.child.kill('SIGTERM');
    await bot.exited;
    await fake.stop();
    await local?.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
