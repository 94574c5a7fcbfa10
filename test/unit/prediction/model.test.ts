import { describe, expect, it } from 'vitest';
import { riskAlertValues } from '../../../src/domain/prediction/alert-card.js';
import { runBacktest } from '../../../src/domain/prediction/backtest.js';
import { factorText } from '../../../src/domain/prediction/explain-text.js';
import { featureDefs, featuresAt, paceProjection, reachedTarget, type RepQuarterData } from '../../../src/domain/prediction/features.js';
import { formatListForecast, formatPersonForecast } from '../../../src/domain/prediction/forecast-text.js';
import { explain, fitBaseline, isThin, predictProbability, trainWeekModel, type TrainingRow } from '../../../src/domain/prediction/model.js';
import { Rng } from '../../../src/demo/prng.js';

const DAY = 86_400_000;
const start = Date.UTC(2026, 9, 1);
const end = start + 91 * DAY;
const dims = [{ key: 'proposalCustomized', name: '方案定制率' }];

function rep(over: Partial<RepQuarterData> = {}): RepQuarterData {
  return { personId: 'r1', quarterId: '2026Q4', startMs: start, endMs: end, metric: 'signed_amount', target: 100_000, lastAttainment: 0.8, activities: [], deals: [], ...over };
}

describe('features as of week N', () => {
  it('counts only what happened before the cut-off, and rebuilds the pipeline from dates', () => {
    const d = rep({
      activities: [
        { t: start + 1 * DAY, type: 'visit', counted: true, merged: false, dims: ['proposalCustomized'] },
        { t: start + 2 * DAY, type: 'visit', counted: false, merged: false, dims: [] },
        { t: start + 2 * DAY, type: 'visit', counted: false, merged: true, dims: [] }, // a merged 签到 is not a visit
        { t: start + 3 * DAY, type: 'call', counted: true, merged: false, dims: [] },
        { t: start + 60 * DAY, type: 'visit', counted: true, merged: false, dims: [] }, // after week 4
      ],
      deals: [
        { opened: start, close: start + 10 * DAY, closed: true, won: true, amount: 40_000, isNew: true },
        { opened: start, close: start + 12 * DAY, closed: true, won: false, amount: 9_000, isNew: false },
        { opened: start + 5 * DAY, close: start + 40 * DAY, closed: true, won: true, amount: 30_000, isNew: false }, // open at week 4
        { opened: start + 50 * DAY, close: null, closed: false, won: false, amount: 5_000, isNew: false }, // not yet opened
      ],
    });
    const keys = featureDefs(dims).map((f) => f.key);
    const x = featuresAt(d, 4, dims);
    const f = Object.fromEntries(keys.map((k, i) => [k, x[i]!]));
    expect(f.visitsPerWeek).toBeCloseTo(1 / 4, 12);
    expect(f.callsPerWeek).toBeCloseTo(1 / 4, 12);
    expect(f.notCountedShare).toBeCloseTo(1 / 2, 12);
    expect(f['dim:proposalCustomized']).toBe(1);
    expect(f.winRate).toBeCloseTo((1 + 1.2) / (2 + 4), 12); // shrunk towards 30 % with 4 pseudo-deals
    expect(f.attainmentSoFar).toBeCloseTo(0.4, 12);
    expect(f.openCount).toBe(1);
    expect(f.pipelineCoverage).toBeCloseTo(30_000 / 60_000, 12);
    expect(f.lastAttainment).toBe(0.8);
    expect(paceProjection(d, 4)).toMatchObject({ achieved: 40_000, projected: (40_000 * 13) / 4 });
    expect(reachedTarget(d)).toBe(false); // 70,000 of 100,000
  });
});

/** Synthetic rep-quarters whose outcome follows signed-so-far plus noise (so a model must beat nothing special). */
function synthetic(quarters: number, reps: number, seed = 1): RepQuarterData[] {
  const r = new Rng(seed);
  const out: RepQuarterData[] = [];
  for (let q = 0; q < quarters; q++) {
    const s = start + q * 91 * DAY;
    for (let i = 0; i < reps; i++) {
      const skill = r.normal(0, 0.35);
      const deals = [];
      for (let k = 0; k < 20; k++) {
        const close = s + r.int(1, 90) * DAY;
        deals.push({ opened: close - r.int(5, 30) * DAY, close, closed: true, won: r.chance(0.3 + skill / 3), amount: 10_000, isNew: false });
      }
      out.push({ personId: `p${i}`, quarterId: `Q${q}`, startMs: s, endMs: s + 91 * DAY, metric: 'signed_amount', target: 60_000, lastAttainment: null, activities: [], deals });
    }
  }
  return out;
}

describe('the week model', () => {
  it('applies the thin-data rule: fewer than 2 quarters or 30 rep-quarters', () => {
    const rows = (q: number, n: number): TrainingRow[] => Array.from({ length: n }, (_, i) => ({ quarterId: `Q${i % q}`, x: [i], y: (i % 2) as 0 | 1 }));
    expect(isThin(rows(1, 100))).toBe(true);
    expect(isThin(rows(3, 29))).toBe(true);
    expect(isThin(rows(2, 30))).toBe(false);
  });

  it('learns from past quarters, beats chance on a held-out one, and explains a rep against the team median', () => {
    const data = synthetic(4, 60);
    const result = runBacktest(data, { weeks: [8], threshold: 0.5, dimensions: dims });
    expect(result.skipped).toEqual(['Q0', 'Q1']);
    const w = result.weeks[0]!;
    expect(w.model.n).toBe(120);
    expect(w.model.auc!).toBeGreaterThan(0.75);
    expect(w.pace.auc!).toBeGreaterThan(0.75);
    // Explanation: the rep's lower attainment so far costs probability relative to the median.
    const keys = featureDefs(dims).map((f) => f.key);
    const rows = data.filter((d) => d.quarterId !== 'Q3').map((d) => ({ quarterId: d.quarterId, x: featuresAt(d, 8, dims), y: (reachedTarget(d) ? 1 : 0) as 0 | 1 }));
    const m = trainWeekModel(rows, 8, keys);
    const x = featuresAt(data.find((d) => d.quarterId === 'Q3')!, 8, dims);
    const low = x.slice();
    const a = keys.indexOf('attainmentSoFar');
    const pl = keys.indexOf('paceLog');
    const fl = keys.indexOf('forecastLog');
    low[a] = 0.1;
    low[pl] = Math.log(0.05 + 0.1 * 13 / 8);
    low[fl] = Math.log(0.05 + 0.2);
    const ref = x.slice();
    ref[a] = 0.6;
    ref[pl] = Math.log(0.05 + 0.6 * 13 / 8);
    ref[fl] = Math.log(0.05 + 0.9);
    expect(predictProbability(m, low)).toBeLessThan(predictProbability(m, ref));
    const top = explain(m, low, ref);
    expect(top.length).toBeGreaterThan(0);
    expect(top.every((e) => e.deltaPoints < 0)).toBe(true);
    expect(['attainmentSoFar', 'paceLog', 'forecastLog']).toContain(top[0]!.key);
  });
});

describe('the pace projection is not penalised', () => {
  it('so under a huge penalty the model is the one-feature pace baseline (same coefficient), the rest shrunk to nothing', () => {
    const data = synthetic(3, 80, 7);
    const keys = featureDefs(dims).map((f) => f.key);
    const rows = data.map((d) => ({ quarterId: d.quarterId, x: featuresAt(d, 8, dims), y: (reachedTarget(d) ? 1 : 0) as 0 | 1 }));
    const m = trainWeekModel(rows, 8, keys, [1e7]);
    const pl = keys.indexOf('paceLog');
    const base = fitBaseline(rows.map((r) => r.x[pl]!), rows.map((r) => r.y));
    // Standardised coefficient ÷ sd = the coefficient on the raw feature; the intercept absorbs the mean.
    expect(m.coef[pl]! / m.sds[pl]!).toBeCloseTo(base.a, 2);
    expect(m.intercept - (m.coef[pl]! * m.means[pl]!) / m.sds[pl]!).toBeCloseTo(base.b, 2);
    m.coef.forEach((c, j) => j !== pl && expect(Math.abs(c), keys[j]).toBeLessThan(1e-4));
    // Everything penalised (the model before): the pace coefficient is shrunk too.
    const all = trainWeekModel(rows, 8, keys, [1e7], { unpenalised: [] });
    expect(Math.abs(all.coef[pl]!)).toBeLessThan(1e-4);
  });
});

describe('words and cards', () => {
  const defs = featureDefs(dims);
  const visits = defs.find((d) => d.key === 'visitsPerWeek')!;

  it('says a factor in words and numbers, with what would move it', () => {
    const f = factorText(visits, { index: 0, key: 'visitsPerWeek', value: 2.1, reference: 4, deltaPoints: -18.2 }, 'zh');
    expect(f.text).toBe('有效拜访 2.1 次/周（团队中位 4.0）：−18 个百分点');
    expect(f.advice).toBe('有效拜访提到团队中位（4.0 次/周），概率约 +18 个百分点');
    expect(factorText(visits, { index: 0, key: 'visitsPerWeek', value: 5, reference: 4, deltaPoints: 6 }, 'en').text).toBe('Counted visits 5.0 /week (team median 4.0): +6 pts');
  });

  const header = { status: 'ok' as const, quarterId: '2026Q4', week: 8, modelVersion: 3, trainingQuarters: ['2026Q2', '2026Q3'], repQuarters: 110 };
  const row = { name: '张*伟', metric: 'signed_amount', probability: 0.31, target: 800_000, achieved: 300_000, paceProjected: 487_500, factors: [{ text: '有效拜访 2.1 次/周（团队中位 4.0）：−18 个百分点', advice: '有效拜访提到团队中位（4.0 次/周），概率约 +18 个百分点' }] };

  it('shows one rep, a ranked list, and the thin-data state with the pace projection labelled', () => {
    const one = formatPersonForecast(header, [row], 'zh');
    expect(one).toContain('达成目标的概率：**31%**');
    expect(one).toContain('张\\*伟'); // names are escaped where they enter markdown
    expect(one).toContain('可以改变的：有效拜访提到团队中位');
    const list = formatListForecast(header, [{ ...row, name: 'B', probability: 0.9 }, row], 0.5, 'zh');
    expect(list.indexOf('张')).toBeLessThan(list.indexOf('B'));
    expect(list).toContain('低于 50% 的 1 人排在前面');
    const thin = formatPersonForecast({ ...header, status: 'thin', modelVersion: null, trainingQuarters: ['2026Q3'], repQuarters: 12 }, [{ ...row, probability: null, factors: [] }], 'zh');
    expect(thin).toContain('历史数据不足');
    expect(thin).toContain('不是预测');
    expect(thin).toContain('按节奏推算：已完成 30.0万，季末约 48.8万 / 目标 80.0万（61%）');
    expect(thin).not.toContain('概率');
  });

  it('fills the alert card: lowest first, one button per rep up to eight', () => {
    const reps = Array.from({ length: 9 }, (_, i) => ({ personId: `rep${i}`, name: `R${i}`, probability: 0.4 - i / 100, target: 1e6, achieved: 2e5, factors: [] }));
    const v = riskAlertValues({ quarterId: '2026Q4', week: 8, threshold: 0.5, modelVersion: 2, trainingQuarters: ['2026Q3'], asOf: '11月26日', reps });
    expect(v.r1).toBe('rep8');
    expect(v.showR8).toBe(true);
    expect(v.r9).toBeUndefined();
    expect(String(v.summary)).toContain('9 位下属');
  });
});

describe('new customers', () => {
  it('counts distinct new accounts among won deals, as the report does', () => {
    const won = (account: string | null, isNew = true) => ({ opened: start, close: start + 5 * DAY, closed: true, won: true, amount: 1, isNew, account });
    const d = rep({ metric: 'new_customers', target: 2, deals: [won('a'), won('a'), won('b', false), won(null), won('c')] });
    expect(reachedTarget(d)).toBe(true);
    expect(paceProjection(d, 13).achieved).toBe(3); // a, the one without an account, c
  });
});

describe('the backtest report', () => {
  it('prints per week the model and both baselines, and says so when nothing can be held out', async () => {
    const { formatBacktest } = await import('../../../src/domain/prediction/backtest-format.js');
    const full = runBacktest(synthetic(3, 40, 5), { weeks: [6, 8], threshold: 0.5, dimensions: dims });
    const text = formatBacktest(full);
    expect(text).toMatch(/\| 8 \| Q2 \| 40 \| [\d.]+ % \| model \|/);
    expect(text).toContain('| pace |');
    expect(text).toContain('| last quarter |');
    expect(text).toContain('Calibration at week 8');
    const none = formatBacktest(runBacktest(synthetic(2, 40, 5), { weeks: [8], threshold: 0.5, dimensions: dims }));
    expect(none).toContain('历史数据不足');
  });
});
