import type { TopLevelSpec } from 'vega-lite';
import type { CardTemplates } from '../../adapters/cards/template-store.js';
import type { RenderPool } from '../../adapters/charts/render-pool.js';
import { ClaimLostError, type Claim, type DeliveryLedger } from '../../adapters/mongo/delivery-ledger.js';
import { UncertainSendError } from '../../adapters/dingtalk/openapi-client.js';
import { HttpError } from '../../adapters/http/http-client.js';
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

  /** The render pool's state, with its workers' own heap (the pass logs it per slice). */
  poolStats(): ReturnType<RenderPool['stats']> {
    return this.d.pool.stats();
  }

  async deliver(item: DeliveryItem, week: string, runId?: string): Promise<DeliveryOutcome> {
    const outTrackId = reportOutTrackId(week, item.recipientId, item.part);
    const claim = await this.d.ledger.claim({ kind: REPORT_KIND, period: week, recipientId: item.recipientId, part: item.part }, { outTrackId, ...(runId ? { runId } : {}) });
    if (!claim.claimed) return claim.reason === 'sent' ? 'already-sent' : 'in-flight';
    const log = { recipientId: item.recipientId, part: item.part, week, outTrackId, attempt: claim.attempt };
    let mediaId: string | undefined;
    try {
      // A retaken claim: the attempt before may have created the card (its holder died, or paused past its
      // lease, between the send and the ledger update). Ask DingTalk before sending it again.
      if (claim.previous && (await this.d.messenger.cardExists(outTrackId))) {
        this.d.logger.info(log, 'weekly report: card was created by an earlier attempt; recorded, not sent again');
        return (await this.record(claim, { sentByRunId: claim.previous.runId })) ? 'sent' : 'in-flight';
      }
      const built = await this.card(item, outTrackId);
      mediaId = built.mediaId;
      await this.d.messenger.sendCard(built.card, { kind: 'user', userId: item.recipientId }, { guard: this.d.ledger.guard(claim) });
    } catch (err) {
      if (err instanceof ClaimLostError) {
        this.d.logger.warn(log, 'weekly report: another instance took this card over; not sending it');
        return 'in-flight';
      }
      // A send whose outcome is unknown may have delivered: look before calling it failed.
      if (err instanceof UncertainSendError && (await this.d.messenger.cardExists(outTrackId).catch(() => false))) {
        return (await this.record(claim, { sentByRunId: runId, ...(mediaId ? { mediaId } : {}) })) ? 'sent' : 'in-flight';
      }
      const message = err instanceof Error ? err.message : String(err);
      const throttled = isThrottled(err);
      this.d.logger.warn({ ...log, err: message, throttled }, 'weekly report: send failed after retries');
      await this.d.ledger.markFailed(claim.id, claim.attempt, message, { throttled }).catch((e: unknown) => this.d.logger.error({ err: e }, 'could not record a failed send'));
      return 'failed';
    }
    // Delivered. From here on nothing may call it failed: if the ledger can't be written (the database went
    // away), the claim stays 'sending', and whoever retakes it finds the card at DingTalk and records it.
    if (!(await this.record(claim, { sentByRunId: runId, ...(mediaId ? { mediaId } : {}) }))) {
      this.d.logger.warn(log, 'weekly report: card delivered but not recorded yet; the next pass confirms it with DingTalk');
    }
    return 'sent';
  }

  /** markSent, retried a few times over ~5 s (a database fail-over); false if it could not be written. */
  private async record(claim: Claim, info: { sentByRunId?: string | undefined; mediaId?: string }): Promise<boolean> {
    const clean = Object.fromEntries(Object.entries(info).filter(([, v]) => v !== undefined)) as { sentByRunId?: string; mediaId?: string };
    for (let i = 0; ; i++) {
      try {
        return await this.d.ledger.markSent(claim.id, claim.attempt, clean);
      } catch (err) {
        if (i >= 4) {
          this.d.logger.error({ err, id: claim.id }, 'weekly report: could not record a delivered card');
          return false;
        }
        await new Promise((r) => setTimeout(r, 250 * 2 ** i));
      }
    }
  }

  /** A report someone asked to see (a button, a chat command): one card per request, no ledger. */
  async view(item: DeliveryItem, viewerId: string, outTrackId: string): Promise<void> {
    const { card } = await this.card(item, outTrackId);
    // Someone asked and is waiting: the interactive lane, ahead of a running pass's queued cards.
    await this.d.messenger.sendCard(card, { kind: 'user', userId: viewerId }, { lane: 'interactive' });
  }

  private async card(item: DeliveryItem, outTrackId: string): Promise<{ card: CardInstance; mediaId: string | undefined }> {
    if (item.part === 'report') {
      const mediaId = await this.chart(repChartSpec(item.report), 'weekly-report.png', item.recipientId);
      return { card: this.d.templates.instance('weekly-report', outTrackId, repCardValues(item.report, mediaId)), mediaId };
    }
    const mediaId = await this.chart(teamChartSpec(item.team), 'team-report.png', item.recipientId);
    return { card: this.d.templates.instance('team-report', outTrackId, teamCardValues(item.team, mediaId, this.d.settings.thresholds, this.d.settings.predictionThreshold)), mediaId };
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

/** DingTalk's rate limiting (429, or users skipped by flow control): clears within minutes. */
function isThrottled(err: unknown): boolean {
  if (err instanceof HttpError) return err.status === 429;
  return err instanceof Error && /flow-controlled|throttl|429/i.test(err.message);
}
