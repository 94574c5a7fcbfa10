import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModels, ensureIndexes, type Models } from '../../src/adapters/mongo/models/index.js';
import { repCardValues, teamCardValues } from '../../src/domain/report/card-values.js';
import { metricValue } from '../../src/domain/report/format.js';
import { DEFAULT_REPORT_SETTINGS } from '../../src/domain/report/types.js';
import { ReportBuilder } from '../../src/services/weekly-report/report-builder.js';
import { connectTestDb } from '../helpers/mongo.js';

// Fri 27 Nov 2026 17:00 Shanghai: 8 whole weeks of 2026Q4 (from 1 Oct) have passed.
const asOf = new Date('2026-11-27T09:00:00Z');

function prediction(personId: string, week: number, probability: number | null, o: Record<string, unknown> = {}) {
  const metric = (o.metric as string | undefined) ?? 'signed_amount';
  return {
    _id: `2026Q4|w${week}|${personId}|${metric}`,
    quarterId: '2026Q4',
    week,
    personId,
    managerId: 'm1',
    metric,
    probability,
    modelVersion: probability === null ? null : 3,
    thin: probability === null,
    target: 800_000,
    achieved: 300_000,
    paceProjected: 487_500,
    factors:
      probability === null
        ? []
        : [
            { key: 'visits', label: '有效拜访', value: 2.1, reference: 4, deltaPoints: -18, text: '有效拜访 2.1 次/周（团队中位 4.0）：−18 个百分点', advice: '有效拜访提到团队中位（4.0 次/周），概率约 +18 个百分点' },
            { key: 'winRate', label: '赢单率', value: 0.2, reference: 0.3, deltaPoints: -6, text: '赢单率 20%（团队中位 30%）：−6 个百分点' },
          ],
    asOf: new Date('2026-11-26T00:00:00Z'),
    ...o,
  };
}

describe('the Friday report shows the stored prediction (on the MongoDB-wire test server)', () => {
  let conn: Connection;
  let drop: () => Promise<void>;
  let m: Models;

  beforeAll(async () => {
    ({ conn, drop } = await connectTestDb('reportprediction'));
    m = createModels(conn);
    await ensureIndexes(m);
    await m.Quarter.create({
      _id: '2026Q4',
      startDate: new Date('2026-09-30T16:00:00Z'),
      endDate: new Date('2026-12-31T16:00:00Z'),
      reviewAt: new Date('2026-12-25T02:00:00Z'),
      metrics: [{ key: 'signed_amount', name: '签约额', unit: 'cny' }],
      activityTypes: [{ key: 'visit', name: '拜访' }],
    });
    await m.Person.insertMany([
      { _id: 'r1', name: '张伟', role: 'rep', managerId: 'm1' },
      { _id: 'r2', name: '刘洋', role: 'rep', managerId: 'm1' },
      { _id: 'r3', name: '陈静', role: 'rep', managerId: 'm1' },
      { _id: 'm1', name: '王磊', role: 'manager' },
    ]);
    await m.Goal.insertMany(
      ['r1', 'r2', 'r3'].map((ownerId) => ({ quarterId: '2026Q4', ownerId, targets: [{ metric: 'signed_amount', value: 800_000 }], status: 'approved' })),
    );
    await m.Prediction.insertMany([
      prediction('r1', 6, 0.61), // older: the week-8 one is the latest
      prediction('r1', 8, 0.32),
      prediction('r1', 9, 0.9), // after the report's week: not yet known on this Friday
      prediction('r2', 8, 0.71),
      prediction('r3', 8, null),
      // A second metric with a target: its own line, from its own stored document.
      prediction('r1', 8, 0.84, { metric: 'new_customers', target: 12, achieved: 5, paceProjected: 8.1, factors: [{ text: '新客户拜访 1.0 次/周（团队中位 2.0）：−9 个百分点' }] }),
      prediction('r2', 8, 0.44, { metric: 'new_customers', target: 12, achieved: 3, paceProjected: 4.9, factors: [{ text: '赢单率 10%（团队中位 30%）：−12 个百分点' }] }),
      prediction('r3', 8, null, { metric: 'new_customers', target: 10, achieved: 2, paceProjected: 3.3 }),
    ]);
  });
  afterAll(async () => {
    await drop();
  });

  it('gives each rep their own probability and factors, or 历史数据不足 with the pace labelled, as stored', async () => {
    const builder = new ReportBuilder(m, DEFAULT_REPORT_SETTINGS, { weekday: 5, time: '17:00' });
    const built = await builder.build((await builder.quarter('2026Q4'))!, asOf);
    const docs = new Map((await m.Prediction.find({ week: 8, metric: 'signed_amount' }).lean()).map((d) => [d.personId, d]));
    const customers = new Map((await m.Prediction.find({ week: 8, metric: 'new_customers' }).lean()).map((d) => [d.personId, d]));
    const card = (id: string) => repCardValues(built.reports.find((r) => r.personId === id)!, undefined).progress as string;

    const r1 = docs.get('r1')!;
    expect(card('r1')).toContain(`**达成签约额目标的概率 ${Math.round(r1.probability! * 100)}%**（第 8 周预测，模型 v3）`);
    for (const f of r1.factors as Array<{ text: string }>) expect(card('r1')).toContain(`- ${f.text}`);
    expect(card('r1')).toContain('建议：有效拜访提到团队中位（4.0 次/周），概率约 +18 个百分点');
    expect(card('r1')).not.toContain('61%');
    expect(card('r1')).not.toContain('90%');
    // One line per metric with a target, each from its stored document; the factors are those of the metric most at risk.
    expect(card('r1')).toContain(`**达成新客户数目标的概率 ${Math.round(customers.get('r1')!.probability! * 100)}%**（第 8 周预测，模型 v3）`);
    expect(card('r1')).toContain('主要因素（签约额，与团队中位相比）：');
    expect(card('r1')).not.toContain('新客户拜访');
    expect(card('r2')).toContain('**达成签约额目标的概率 71%**');
    expect(card('r2')).toContain('**达成新客户数目标的概率 44%**');
    expect(card('r2')).toContain('主要因素（新客户数，与团队中位相比）：\n- 赢单率 10%（团队中位 30%）：−12 个百分点');

    const r3 = docs.get('r3')!;
    expect(card('r3')).toContain('历史数据不足');
    expect(card('r3')).toContain(`按当前节奏推算季末签约额 ${metricValue(r3.paceProjected, 'cny')} / 目标 ${metricValue(r3.target, 'cny')}（按节奏推算，不是预测）`);
    expect(card('r3')).toContain(`按当前节奏推算季末新客户数 ${metricValue(customers.get('r3')!.paceProjected, 'count')} / 目标 ${metricValue(10, 'count')}（按节奏推算，不是预测）`);
    expect(card('r3')).not.toMatch(/概率 \d+%/);
  });

  it("lists the manager's reps below the threshold first, lowest first, with their probability", async () => {
    const builder = new ReportBuilder(m, DEFAULT_REPORT_SETTINGS, { weekday: 5, time: '17:00' });
    const built = await builder.build((await builder.quarter('2026Q4'))!, asOf);
    const team = built.teams.find((t) => t.managerId === 'm1')!;
    // Below the threshold on any metric, lowest first: r1 (签约额 32 %), then r2 (新客户数 44 %).
    const below = [...new Set((await m.Prediction.find({ week: 8, probability: { $lt: 0.5 } }).sort({ probability: 1 }).lean()).map((d) => d.personId))];
    expect(below).toEqual(['r1', 'r2']);

    const at50 = (teamCardValues(team, undefined, DEFAULT_REPORT_SETTINGS.thresholds).members as string).split('\n\n')[0]!;
    expect(at50.split('\n')).toEqual([
      '**达成目标的概率低于 50% 的成员**（第 8 周预测，任一指标低于即列出，低的在前）',
      '- **张伟** 签约额 32% · 新客户数 84% · 有效拜访 2.1 次/周（团队中位 4.0）：−18 个百分点',
      '- **刘洋** 签约额 71% · 新客户数 44% · 赢单率 10%（团队中位 30%）：−12 个百分点',
    ]);

    // A lower threshold leaves only r1; thin r3 has no probability to rank.
    const at40 = (teamCardValues(team, undefined, DEFAULT_REPORT_SETTINGS.thresholds, 0.4).members as string).split('\n\n')[0]!;
    expect(at40).toContain('- **张伟** 签约额 32%');
    expect(at40).not.toContain('刘洋');
    expect(at40).not.toContain('陈静');
  });
});
