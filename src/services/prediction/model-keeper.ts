/**
 * Keeps a trained model in the database: the weekly retrain job calls retrain(); views and the alert call
 * ensure(), which trains once when none is stored yet (a fresh demo company should not wait for Monday).
 * One training at a time per process; across instances the version counter keeps them apart.
 */
import type { Models } from '../../adapters/mongo/models/index.js';
import type { Clock } from '../../clock.js';
import type { Logger } from '../../logger.js';
import { trainAndStore, type TrainResult } from './trainer.js';

export class ModelKeeper {
  private running: Promise<TrainResult> | undefined;

  constructor(private readonly d: { models: Models; clock: Clock; logger: Logger }) {}

  retrain(): Promise<TrainResult> {
    this.running ??= trainAndStore(this.d.models, this.d.clock.now(), this.d.logger).finally(() => (this.running = undefined));
    return this.running;
  }

  /** Trains now if no model (not even a thin one) is stored; otherwise does nothing. */
  async ensure(): Promise<void> {
    if (this.running) {
      await this.running;
      return;
    }
    if ((await this.d.models.PredictionModel.estimatedDocumentCount()) === 0) await this.retrain();
  }
}
