/**
 * The week-N risk alert: once the alert week of the quarter has passed, each manager gets one card listing
 * their reps below the threshold, with factors and a button per rep to open that rep's report. Exactly
 * once per manager and quarter through the delivery ledger (restarts, two instances). The predictions it
 * is based on are stored first (insert-if-absent, by WeeklyPredictions, which the Friday pass uses for its
 * week too), so a second pass or a restart alerts on the same figures.
 * With thin history there is no alert: a pace projection is not a prediction to alarm anyone with.
 */
import type { CardTemplates } from '../../adapters/cards/template-store.js';
import type { DeliveryLedger } from '../../adapters/mongo/delivery-ledger.js';
import type { Models } from '../../adapters/mongo/models/index.js';
import type { Messenger } from '../../bot/messenger.js';
import type { Clock } from '../../clock.js';
import { riskAlertValues, type AtRiskRep } from '../../domain/prediction/alert-card.js';
import { formatLocal } from '../../domain/time/calendar.js';
import type { Logger } from '../../logger.js';
import type { ModelKeeper } from './model-keeper.js';
import { latestModel } from './trainer.js';
import type { WeeklyPredictions } from './weekly-predictions.js';

export const ALERT_KIND = 'risk-alert';
const WEEK_MS = 7 * 86_400_000;

export interface AlertTickResult {
  state: 'no-quarter' | 'not-yet' | 'thin' | 'done';
  quarterId?: string;
  sent?: number;
  alreadySent?: number;
  failed?: number;
}

export class RiskAlerts {
  constructor(
    private readonly d: {
      models: Models;
      ledger: DeliveryLedger;
      messenger: Messenger;
      templates: CardTemplates;
      clock: Clock;
      keeper: ModelKeeper;
      weekly: WeeklyPredictions;
      logger: Logger;
      alertWeek: number;
      threshold: number;
      timeZone: string;
    },
  ) {}

  async tick(): Promise<AlertTickResult> {
    const now = this.d.clock.now();
    const q = await this.d.models.Quarter.findOne({ startDate: { $lte: now }, endDate: { $gt: now } }).lean();
    if (!q) return { state: 'no-quarter' };
    const quarterId = q._id as unknown as string;
    if (now.getTime() < q.startDate.getTime() + this.d.alertWeek * WEEK_MS) return { state: 'not-yet', quarterId };
    // A pass that reached every manager marks the quarter done, so later ticks cost one read.
    const passKey = { kind: ALERT_KIND, period: quarterId, recipientId: '*', part: 'pass' };
    if ((await this.d.ledger.statusOf(passKey)) === 'sent') return { state: 'done', quarterId, sent: 0, alreadySent: 0, failed: 0 };
    let stored = await this.d.models.Prediction.find({ quarterId, week: this.d.alertWeek, metric: 'signed_amount' }).lean();
    if (stored.length === 0) {
      await this.d.keeper.ensure();
      // Thin history: no model-based prediction to alert on (and no need to compute the pace for everyone each tick).
      if ((await latestModel(this.d.models))?.status !== 'trained') return { state: 'thin', quarterId };
      // The same store the Friday pass uses: every predicted metric of the week, once.
      const set = await this.d.weekly.ensure(quarterId, now, this.d.alertWeek);
      if (set.state === 'stored' && set.status !== 'ok') {
        this.d.logger.info({ quarterId, status: set.status }, 'risk alert: no model-based prediction (thin history), no alert');
        return { state: 'thin', quarterId };
      }
      stored = await this.d.models.Prediction.find({ quarterId, week: this.d.alertWeek, metric: 'signed_amount' }).lean();
    }
    if (stored.some((p) => p.probability === null)) return { state: 'thin', quarterId };
    const names = new Map((await this.d.models.Person.find({ _id: { $in: stored.map((p) => p.personId) } }, { name: 1 }).lean()).map((p) => [String(p._id), p.name ?? String(p._id)]));
    const byManager = new Map<string, AtRiskRep[]>();
    for (const p of stored) {
      if (!p.managerId || p.probability === null || p.probability === undefined || p.probability >= this.d.threshold) continue;
      const list = byManager.get(p.managerId) ?? [];
      list.push({ personId: p.personId, name: names.get(p.personId) ?? p.personId, probability: p.probability, target: p.target, achieved: p.achieved, factors: (p.factors ?? []) as AtRiskRep['factors'] });
      byManager.set(p.managerId, list);
    }
    const model = await this.d.models.PredictionModel.findById(stored[0]!.modelVersion).lean();
    const result = { state: 'done' as const, quarterId, sent: 0, alreadySent: 0, failed: 0 };
    for (const [managerId, reps] of byManager) {
      const outTrackId = `risk-alert:${quarterId}:${managerId}`;
      const claim = await this.d.ledger.claim({ kind: ALERT_KIND, period: quarterId, recipientId: managerId, part: 'card' }, { outTrackId });
      if (!claim.claimed) {
        result.alreadySent++;
        continue;
      }
      try {
        const values = riskAlertValues({
          quarterId,
          week: this.d.alertWeek,
          threshold: this.d.threshold,
          modelVersion: stored[0]!.modelVersion ?? 0,
          trainingQuarters: model?.trainingQuarters ?? [],
          asOf: formatLocal(stored[0]!.asOf, this.d.timeZone),
          reps,
        });
        await this.d.messenger.sendCard(this.d.templates.instance('risk-alert', outTrackId, values), { kind: 'user', userId: managerId });
        await this.d.ledger.markSent(claim.id, claim.attempt);
        result.sent++;
      } catch (err) {
        result.failed++;
        this.d.logger.warn({ err, managerId, quarterId }, 'risk alert: send failed; retried on the next tick');
        await this.d.ledger.markFailed(claim.id, claim.attempt, err instanceof Error ? err.message : String(err)).catch(() => undefined);
      }
    }
    if (result.sent) this.d.logger.info(result, 'risk alert: sent');
    if (result.failed === 0) {
      const pass = await this.d.ledger.claim(passKey);
      if (pass.claimed) await this.d.ledger.markSent(pass.id, pass.attempt);
    }
    return result;
  }
}
