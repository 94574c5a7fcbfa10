/** The backtest as a text report (markdown tables): what `npm run backtest` prints and docs/backtest.md holds. Pure. */
import type { BacktestResult } from './backtest.js';
import type { Scores } from './metrics.js';

const pct = (v: number) => `${(v * 100).toFixed(1)} %`;
const num = (v: number | null, d = 3) => (v === null ? '—' : v.toFixed(d));

export function formatBacktest(r: BacktestResult): string {
  const lines: string[] = [];
  const name = r.model === 'gbt' ? 'model (GBT)' : 'model';
  lines.push(`Metric: ${r.metric} · model ${r.model === 'gbt' ? 'gradient-boosted trees' : 'logistic regression'} · threshold ${r.threshold} · quarters in the data: ${r.quartersSeen.join(', ') || '(none)'}`);
  if (r.skipped.length) lines.push(`Not held out (fewer than two earlier quarters, or before --from): ${r.skipped.join(', ')}`);
  if (r.weeks.every((w) => w.model.n === 0)) {
    lines.push('', '历史数据不足: no finished quarter has two earlier ones with targets, so there is nothing to backtest.');
    return lines.join('\n');
  }
  lines.push('', '| week | held-out quarters | n | base rate | predictor | accuracy | AUC | Brier | log loss |', '| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const w of r.weeks) {
    const row = (name: string, s: Scores) => `| ${w.week} | ${w.quarters.join(' ')} | ${s.n} | ${pct(s.baseRate)} | ${name} | ${pct(s.accuracy)} | ${num(s.auc)} | ${num(s.brier)} | ${num(s.logLoss)} |`;
    lines.push(row(name, w.model), row('pace', w.pace), row('last quarter', w.lastQuarter));
  }
  for (const w of r.weeks) {
    lines.push('', `Calibration at week ${w.week} (${name}; predicted-probability deciles):`, '', '| predicted | n | mean predicted | observed |', '| --- | --- | --- | --- |');
    for (const b of w.model.calibration) lines.push(`| ${b.lo.toFixed(1)}–${b.hi.toFixed(1)} | ${b.n} | ${pct(b.meanPredicted)} | ${pct(b.observedRate)} |`);
  }
  return lines.join('\n');
}
