/**
 * Bench-only: loaded into the bot (compiled dist/) with `node --import` by bench/report-fanout.ts when it is
 * given `--bisect=…`, to find where the Friday pass's memory goes by taking one part of a card's path out at a
 * time. Never loaded by the bot itself. FANOUT_BISECT is a comma list of:
 *
 *   render  — no chart rendering: every card's chart is the same fixed PNG (~100 kB), uploaded as usual
 *   upload  — no chart upload: a fixed media id (the render still runs)
 *   send    — no card send (and no upload): the card is built and dropped
 *   ledger  — no delivery ledger: every claim succeeds at once, nothing is written
 *
 * Patches prototypes of the same module instances the bot imports (one ESM cache per URL), main thread only.
 */
import { isMainThread } from 'node:worker_threads';
import { randomBytes } from 'node:crypto';

const parts = new Set((process.env.FANOUT_BISECT ?? '').split(',').filter(Boolean));
if (isMainThread && parts.size > 0) {
  const dist = new URL('../dist/src/', import.meta.url);
  const { ReportSender } = await import(new URL('services/weekly-report/report-sender.js', dist).href);
  const { DingTalkMessenger } = await import(new URL('adapters/dingtalk/dingtalk-messenger.js', dist).href);
  const { DeliveryLedger } = await import(new URL('adapters/mongo/delivery-ledger.js', dist).href);
  if (parts.has('render')) {
    const sharp = (await import('sharp')).default;
    // Noise does not compress: about the size of a real report chart's PNG.
    const fixed = await sharp(randomBytes(180 * 180 * 3), { raw: { width: 180, height: 180, channels: 3 } }).png().toBuffer();
    ReportSender.prototype.chart = async function (_spec, filename) {
      this.renders.count++;
      return this.d.messenger.uploadImage(Buffer.from(fixed), filename);
    };
  }
  if (parts.has('upload') || parts.has('send')) DingTalkMessenger.prototype.uploadImage = async () => 'media-bisect';
  if (parts.has('send')) DingTalkMessenger.prototype.sendCard = async () => undefined;
  if (parts.has('ledger')) {
    DeliveryLedger.prototype.claim = async (key) => ({ claimed: true, id: `${key.kind}:${key.period}:${key.recipientId}:${key.part}`, attempt: 1 });
    DeliveryLedger.prototype.guard = () => async () => undefined;
    DeliveryLedger.prototype.markSent = async () => true;
  }
  process.emitWarning(`bench bisect: ${[...parts].join(', ')} taken out of the card path`, { code: 'TRICHAIN_BENCH_BISECT' });
}
