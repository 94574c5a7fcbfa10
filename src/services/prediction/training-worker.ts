/**
 * Worker-thread entry for the training threads (training-threads.ts): receives one week model's rows
 * (flat, transferred) and answers the trained WeekModel. The training itself is the pure domain code.
 */
import { parentPort } from 'node:worker_threads';
import { trainWeekModel, type TrainingRow, type WeekModel } from '../../domain/prediction/model.js';

export interface TrainRequest {
  id: number;
  week: number;
  featureKeys: string[];
  /** Rows × features, row-major; NaN where a feature is unknown (imputed by the model). */
  x: Float64Array;
  y: Uint8Array;
  /** Per row, an index into `quarters`. */
  quarterIndex: Uint16Array;
  quarters: string[];
}

export type TrainResponse = { id: number; ok: true; model: WeekModel } | { id: number; ok: false; message: string };

/** The rows of one week model in the flat shape a worker receives (the buffers are transferred, not copied). */
export function packRows(rows: readonly TrainingRow[]): Pick<TrainRequest, 'x' | 'y' | 'quarterIndex' | 'quarters'> {
  const d = rows[0]?.x.length ?? 0;
  const quarters = [...new Set(rows.map((r) => r.quarterId))];
  const qi = new Map(quarters.map((q, i) => [q, i]));
  const x = new Float64Array(rows.length * d);
  const y = new Uint8Array(rows.length);
  const quarterIndex = new Uint16Array(rows.length);
  rows.forEach((r, i) => {
    for (let j = 0; j < d; j++) x[i * d + j] = r.x[j]!;
    y[i] = r.y;
    quarterIndex[i] = qi.get(r.quarterId)!;
  });
  return { x, y, quarterIndex, quarters };
}

export function unpackRows(p: Pick<TrainRequest, 'x' | 'y' | 'quarterIndex' | 'quarters' | 'featureKeys'>): TrainingRow[] {
  const n = p.y.length;
  const d = n ? p.x.length / n : 0;
  return Array.from({ length: n }, (_, i) => ({ quarterId: p.quarters[p.quarterIndex[i]!]!, x: Array.from(p.x.subarray(i * d, i * d + d)), y: p.y[i] as 0 | 1 }));
}

if (parentPort) {
  const port = parentPort;
  port.on('message', (req: TrainRequest) => {
    let msg: TrainResponse;
    try {
      msg = { id: req.id, ok: true, model: trainWeekModel(unpackRows(req), req.week, req.featureKeys) };
    } catch (err) {
      msg = { id: req.id, ok: false, message: err instanceof Error ? err.message : String(err) };
    }
    port.postMessage(msg);
  });
}
