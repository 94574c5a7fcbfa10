import type { TopLevelSpec } from 'vega-lite';
import type { CardTemplates } from '../../adapters/cards/template-store.js';
import type { DeliveryLedger } from '../../adapters/mongo/delivery-ledger.js';
import type { Destination } from '../../bot/messages.js';
import type { Messenger } from '../../bot/messenger.js';
import { goalActualChartSpec } from '../../domain/charts/goal-actual-chart.js';
import { inputConversionChartSpec } from '../../domain/charts/input-conversion-chart.js';
import { rankingHeatmapSpec } from '../../domain/charts/ranking-heatmap.js';
import type { ReviewPack } from '../../domain/outcome/review-pack.js';

export const PACK_KIND = 'review-pack';
export const PACK_CHART_SCALE = 1.5;
export const PACK_PARTS = ['card', 'chart-goal', 'chart-scatter', 'chart-ranking', 'csv'] as const;
export type PackPart = (typeof PACK_PARTS)[number];

export const packOutTrackId = (quarterId: string, managerId: string) => `review-pack:${quarterId}:${managerId}`;

export interface RenderedPack {
  pack: ReviewPack;
  charts: Array<{ part: PackPart; png: Buffer; filename: string }>;
  ms: number;
}

/** The three charts' specs, in the order they are sent. */
export function packChartSpecs(pack: ReviewPack): Array<{ part: PackPart; spec: TopLevelSpec; filename: string }> {
  return [
    { part: 'chart-goal', spec: goalActualChartSpec(pack.charts.goalActual), filename: 'goal-vs-actual.png' },
    { part: 'chart-scatter', spec: inputConversionChartSpec(pack.charts.inputConversion), filename: 'input-vs-conversion.png' },
    { part: 'chart-ranking', spec: rankingHeatmapSpec(pack.charts.heatmap), filename: 'team-ranking.png' },
  ];
}

export interface PackSenderDeps {
  messenger: Messenger;
  templates: CardTemplates;
  ledger: DeliveryLedger;
  render: (spec: TopLevelSpec, opts: { scale: number }) => Promise<Buffer>;
}

export type PackDelivery = { sent: PackPart[]; alreadySent: PackPart[]; inFlight: PackPart[] };

/**
 * Renders and sends a pack: the summary card, the three chart images and the CSV file. The scheduled
 * send goes part by part through the delivery ledger (claim → send → mark), so a rerun, a restart or a
 * second instance sends nothing that was already sent; the card's outTrackId makes its resend a no-op.
 */
export class PackSender {
  constructor(private readonly d: PackSenderDeps) {}

  async render(pack: ReviewPack): Promise<RenderedPack> {
    const t0 = performance.now();
    const charts = [];
    for (const c of packChartSpecs(pack)) charts.push({ part: c.part, png: await this.d.render(c.spec, { scale: PACK_CHART_SCALE }), filename: c.filename });
    return { pack, charts, ms: performance.now() - t0 };
  }

  /** Once per (quarter, team) and part, whatever happens around it. */
  async deliverScheduled(r: RenderedPack, to: Destination, key: { quarterId: string; managerId: string }): Promise<PackDelivery> {
    const out: PackDelivery = { sent: [], alreadySent: [], inFlight: [] };
    for (const part of PACK_PARTS) {
      const outTrackId = part === 'card' ? packOutTrackId(key.quarterId, key.managerId) : undefined;
      const claim = await this.d.ledger.claim({ kind: PACK_KIND, period: key.quarterId, recipientId: key.managerId, part }, outTrackId ? { outTrackId } : {});
      if (!claim.claimed) {
        out[claim.reason === 'sent' ? 'alreadySent' : 'inFlight'].push(part);
        continue;
      }
      try {
        const mediaId = await this.sendPart(r, part, to, outTrackId ?? '');
        await this.d.ledger.markSent(claim.id, claim.attempt, mediaId ? { mediaId } : {});
        out.sent.push(part);
      } catch (err) {
        await this.d.ledger.markFailed(claim.id, claim.attempt, err instanceof Error ? err.message : String(err)).catch(() => undefined);
        throw err;
      }
    }
    return out;
  }

  /** A problem instead of a pack (no data), said once per quarter and team. */
  async notifyOnce(key: { quarterId: string; managerId: string }, to: Destination, text: string): Promise<void> {
    const claim = await this.d.ledger.claim({ kind: PACK_KIND, period: key.quarterId, recipientId: key.managerId, part: 'problem' });
    if (!claim.claimed) return;
    await this.d.messenger.send(to, { type: 'text', text });
    await this.d.ledger.markSent(claim.id, claim.attempt);
  }

  /** On request (复盘): every part, no ledger; the card gets its own id per request. */
  async deliverView(r: RenderedPack, to: Destination, outTrackId: string): Promise<void> {
    for (const part of PACK_PARTS) await this.sendPart(r, part, to, outTrackId);
  }

  private async sendPart(r: RenderedPack, part: PackPart, to: Destination, outTrackId: string): Promise<string | undefined> {
    if (part === 'card') {
      await this.d.messenger.sendCard(this.d.templates.instance('review-pack', outTrackId, r.pack.cardValues), to);
      return undefined;
    }
    if (part === 'csv') {
      const mediaId = await this.d.messenger.uploadFile(Buffer.from(r.pack.csv.text, 'utf8'), r.pack.csv.fileName, 'text/csv');
      await this.d.messenger.send(to, { type: 'file', mediaId, fileName: r.pack.csv.fileName, fileType: 'csv' });
      return mediaId;
    }
    const chart = r.charts.find((c) => c.part === part)!;
    const mediaId = await this.d.messenger.uploadImage(chart.png, chart.filename);
    await this.d.messenger.send(to, { type: 'image', mediaId });
    return mediaId;
  }
}
