import mongoose from 'mongoose';
import { createModels } from '../src/adapters/mongo/models/index.js';
import { loadRepQuarters } from '../src/services/prediction/rep-quarter-loader.js';
import { byQuarter, trainingRows } from '../src/domain/prediction/backtest.js';
import { trainWeekModel } from '../src/domain/prediction/model.js';
import { featureDefs } from '../src/domain/prediction/features.js';
const conn = await mongoose.createConnection('mongodb://127.0.0.1:47017/demo').asPromise();
const asOf = new Date('2026-11-26T10:00:00+08:00');
const h = await loadRepQuarters(createModels(conn), asOf, ['signed_amount']);
const data = h.data.get('signed_amount')!.filter((d) => d.endMs <= asOf.getTime());
const dims = h.quarters.at(-1)!.dimensions;
const keys = featureDefs(dims).map((f) => f.key);
const qs = byQuarter(data);
for (const n of [2, 3]) {
  const train = qs.slice(0, n).flatMap((q) => q.reps);
  const m = trainWeekModel(trainingRows(train, 8, dims), 8, keys);
  console.log(n, 'l2', m.l2, 'cal', m.calibration, 'n', m.nTrain, 'base', m.baseRate.toFixed(2));
  console.log(keys.map((k, j) => `${k}:${m.coef[j]!.toFixed(2)}`).join(' '));
}
await conn.close();
