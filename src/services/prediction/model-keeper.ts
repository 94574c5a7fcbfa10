/**
 * Keeps a trained model in the database: the weekly retrain job calls retrain(); views and the alert call
 * ensure(), which trains when none is stored or the history changed (a fresh demo company should not
 * wait for Monday).
 * One training at a time per process; across instances the version counter keeps them apart.
 */
import type { Models } from '../../adapters/mongo/models/index.js';
import type { Clock } from '../../clock.js';
import type { Logger } from '../../logger.js';
import { historyKey, trainAndStore, type TrainResult } from './trainer.js';

export class ModelKeeper {
  private running: Promise<TrainResult> | undefined;

  constructor(private readonly d: { models: Models; clock: Clock; logger: Logger }) {}

  retrain(): Promise<TrainResult> {
    this.running ??= trainAndStore(this.d.models, this.d.clock.now(), this.d.logger).finally(() => (this.running = undefined));
    return this.running;
  }

  /**
   * Trains now if no model is stored, or the history changed since the latest one (a quarter finished,
   * goals were approved, a demo company finished loading); otherwise does nothing.
   */
  async ensure(): Promise<void> {
    if (this.running) {
      await this.running;
      return;
    }
    const latest = await this.d.models.PredictionModel.findOne({}, { historyKey: 1 }).sort({ _id: -1 }).lean();
    if (!latest || latest.historyKey !== (await historyKey(this.d.models, this.d.clock.now()))) await this.retrain();
  }
}
