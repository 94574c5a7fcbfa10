import type { TopLevelSpec } from 'vega-lite';
import type { CardTemplates } from '../../adapters/cards/template-store.js';
import type { RenderPool } from '../../adapters/charts/render-pool.js';
import type { DeliveryLedger } from '../../adapters/mongo/delivery-ledger.js';
import type { CardInstance } from '../../bot/messages.js';
import type { Messenger } from '../../bot/messenger.js';
import { barChartSpec } from '../../domain/charts/bar-chart.js';
import { trendChartSpec } from '../../domain/charts/report-trend-chart.js';
import type { RepReport } from '../../domain/report/build-report.js';
import { LEVEL_CHART_COLORS, repCardValues, teamCardValues } from '../../domain/report/card-values.js';
import { weekLabel } from '../../domain/report/format.js';
import type { TeamSummary } from '../../domain/report/team.js';
import type { ReportSettings } from '../../domain/report/types.js';
import type { Logger } from '../../logger.js';

export const REPORT_KIND = 'weekly-report';

/**
 * 1.5× (a ~940 px wide PNG) is sharp in a card on phones and desktop, and costs ~18 % less CPU than 2×
 * (45 vs 55 ms per chart measured): at thousands of charts per Friday, rasterizing is the fan-out's
 * largest cost.
 */
export const REPORT_CHART_SCALE = 1.5;

/** One card to deliver: a rep's own report, or a manager's team summary. */
export type DeliveryItem = { recipientId: string; part: 'report'; report: RepReport } | { recipientId: string; part: 'team'; team: TeamSummary };

export type DeliveryOutcome = 'sent' | 'already-sent' | 'in-flight' | 'failed';

/** Deterministic card id: DingTalk delivers a card once per outTrackId, whatever happens around the call. */
export const reportOutTrackId = (week: string, recipientId: string, part: string) => `weekly-report:${week}:${recipientId}:${part}`;

export interface SenderDeps {
  ledger: DeliveryLedger;
  messenger: Messenger;
  templates: CardTemplates;
  pool: RenderPool;
  settings: ReportSettings;
  logger: Logger;
}

/**
 * Sends report cards. The scheduled push goes through the ledger: claim (unique insert) → render → upload →
 * createAndDeliver with a deterministic outTrackId → mark sent. A crash anywhere in between leaves a claim
 * that is retaken later, and the retaken send reuses the outTrackId, so the person still sees one card.
 */
export class ReportSender {
  /** Charts rendered since start and the time they took in the pool (queueing included); logged per pass. */
  readonly renders = { count: 0, ms: 0 };

  constructor(private readonly d: SenderDeps) {}

  async deliver(item: DeliveryItem, week: string): Promise<DeliveryOutcome> {
    const outTrackId = reportOutTrackId(week, item.recipientId, item.part);
    const claim = await this.d.ledger.claim({ kind: REPORT_KIND, period: week, recipientId: item.recipientId, part: item.part }, { outTrackId });
    if (!claim.claimed) return claim.reason === 'sent' ? 'already-sent' : 'in-flight';
    try {
      const { card, mediaId } = await this.card(item, outTrackId);
      await this.d.messenger.sendCard(card, { kind: 'user', userId: item.recipientId });
      await this.d.ledger.markSent(claim.id, claim.attempt, mediaId ? { mediaId } : {});
      return 'sent';
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.d.logger.warn({ err, recipientId: item.recipientId, part: item.part, week }, 'weekly report: send failed after retries');
      await this.d.ledger.markFailed(claim.id, claim.attempt, message).catch((e: unknown) => this.d.logger.error({ err: e }, 'could not record a failed send'));
      return 'failed';
    }
  }

  /** A report someone asked to see (a button, a chat command): one card per request, no ledger. */
  async view(item: DeliveryItem, viewerId: string, outTrackId: string): Promise<void> {
    const { card } = await this.card(item, outTrackId);
    await this.d.messenger.sendCard(card, { kind: 'user', userId: viewerId });
  }

  private async card(item: DeliveryItem, outTrackId: string): Promise<{ card: CardInstance; mediaId: string | undefined }> {
    if (item.part === 'report') {
      const mediaId = await this.chart(repChartSpec(item.report), 'weekly-report.png', item.recipientId);
      return { card: this.d.templates.instance('weekly-report', outTrackId, repCardValues(item.report, mediaId)), mediaId };
    }
    const mediaId = await this.chart(teamChartSpec(item.team), 'team-report.png', item.recipientId);
    return { card: this.d.templates.instance('team-report', outTrackId, teamCardValues(item.team, mediaId, this.d.settings.thresholds)), mediaId };
  }

  /**
   * Renders in the worker pool and uploads. A chart that can't be rendered is left out (the card has every
   * figure in text); a failed upload fails the send, so it is retried whole.
   */
  private async chart(spec: TopLevelSpec, filename: string, recipientId: string): Promise<string | undefined> {
    let png: Buffer;
    const t0 = performance.now();
    try {
      png = await this.d.pool.render(spec, { scale: REPORT_CHART_SCALE });
    } catch (err) {
      this.d.logger.warn({ err, recipientId }, 'weekly report: chart not rendered; sending the card without it');
      return undefined;
    }
    this.renders.count++;
    this.renders.ms += performance.now() - t0;
    return this.d.messenger.uploadImage(png, filename);
  }
}

export function repChartSpec(r: RepReport): TopLevelSpec {
  const metric = r.progress.find((p) => p.key === r.primaryMetric);
  return trendChartSpec({ metricName: metric?.name ?? null, rows: r.trend, reportWeek: r.week });
}

export function teamChartSpec(t: TeamSummary): TopLevelSpec {
  return barChartSpec({
    title: `团队健康分 · ${weekLabel(t.week)}`,
    subtitle: '分数低的在上',
    rows: t.members.map((m) => ({ label: m.name, value: m.score, color: LEVEL_CHART_COLORS[m.level] })),
    valueTitle: '健康分',
    orientation: 'horizontal',
    width: 360,
  });
}
