import { describe, expect, it } from 'vitest';
import { formatListForecast } from '../../../src/domain/prediction/forecast-text.js';

/**
 * A manager's 预测 said「低于 50% 的 14 人排在前面」for a team of 14 where 9 people were below 50 %: it counted
 * rows (one per person and metric). The team summary lists the same 9 people, so the count is of people.
 */
describe('预测 for a team: the "below the threshold" count is of people', () => {
  const header = { status: 'ok' as const, quarterId: '2026Q4', week: 9, modelVersion: 1, trainingQuarters: ['2026Q3'], repQuarters: 50 };
  const row = (personId: string, metric: string, probability: number) => ({ personId, name: personId, metric, probability, target: 100, achieved: 50, paceProjected: 80, factors: [] });
  const rows = [row('甲', 'signed_amount', 0.1), row('甲', 'new_customers', 0.2), row('乙', 'signed_amount', 0.3), row('乙', 'new_customers', 0.9), row('丙', 'signed_amount', 0.8)];

  it('counts each person once, and says how many lines that is', () => {
    expect(formatListForecast(header, rows, 0.5, 'zh')).toContain('低于 50% 的 2 人（3 项）排在前面。');
    expect(formatListForecast(header, rows, 0.5, 'en')).toContain('2 people (3 lines) below 50% listed first.');
  });

  it('keeps the short wording when each person has one line', () => {
    expect(formatListForecast(header, rows.filter((r) => r.metric === 'signed_amount'), 0.5, 'zh')).toContain('低于 50% 的 2 人排在前面。');
  });
});

describe('a tracked dimension in an English forecast', () => {
  it('is called by its configured name, never its internal key (was "proposalCustomized 98%")', async () => {
    const { featureDefs } = await import('../../../src/domain/prediction/features.js');
    const { factorText } = await import('../../../src/domain/prediction/explain-text.js');
    const def = featureDefs([{ key: 'proposalCustomized', name: '方案定制率' }]).find((d) => d.key === 'dim:proposalCustomized')!;
    const en = factorText(def, { index: 0, key: def.key, value: 0.98, reference: 0.41, deltaPoints: 3 }, 'en').text;
    expect(en).toBe('方案定制率 98% (team median 41%): +3 pts');
  });
});
