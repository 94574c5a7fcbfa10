import { describe, expect, it } from 'vitest';
import { buildReports } from '../../../src/domain/report/build-report.js';
import { goalFiguresMarkdown } from '../../../src/domain/report/card-values.js';
import { DEFAULT_REPORT_SETTINGS as S } from '../../../src/domain/report/types.js';
import { act, closed, dataset, person, won } from './fixtures.js';

/**
 * `my goal` in English showed the goal in English and then its progress block in Chinese (本季进度, 签约额,
 * 落后进度, 健康分) — found in the simulator. The block is the same figures, worded in the asker's language.
 */
describe('我的目标 / my goal: the figures block', () => {
  const d = dataset({
    people: [person('rep01', 'mgr01', '张伟')],
    goals: [{ ownerId: 'rep01', status: 'approved', targets: [{ metric: 'signed_amount', value: 800_000 }, { metric: 'new_customers', value: 15 }] }],
    activities: [act('rep01', '2026-W48', 5)],
    wonDeals: [won('rep01', '2026-W47', 420_000, { accountId: 'a1', isNewCustomer: true })],
    closed: [closed('rep01', 1, 3)],
  });
  const f = buildReports(d, S).reports[0]!.figures;
  const names = new Map([['signed_amount', 'Signed amount'], ['new_customers', 'New customers']]);

  it('stays Chinese by default (the same lines as the Friday card)', () => {
    const zh = goalFiguresMarkdown(f);
    expect(zh).toContain('**本季进度**（季度已过 63%）');
    expect(zh).toContain('- 签约额：42万 / 目标 80万（53%），按进度应达 50.2万 → **落后进度 16%**');
  });

  it('is English for an English asker, with the same figures', () => {
    const en = goalFiguresMarkdown(f, 'en', (key) => names.get(key));
    expect(en).toContain("**This quarter's progress** (63% of the quarter gone)");
    expect(en).toContain('- Signed amount: ¥420,000 / target ¥800,000 (53%), on pace would be ¥501,812 → **behind pace by 16%**');
    expect(en).toContain('- New customers: 1 / target 15 (7%), on pace would be 9.4 → **behind pace by 89%**');
    expect(en).toContain('- Win rate: won 1 / closed 2 = 50% · counted activities this quarter 5 · new opportunities 3');
    expect(en).toContain(`- **Health score ${f.health.score}**`);
    // No Chinese left but the person-supplied names (none here).
    expect(en).not.toMatch(/[\u4e00-\u9fff]/);
  });
});

describe('the rep card names whom each comparison is with', () => {
  it('says 全员 for the company-wide top quarter, as the insight says 团队 for the team\'s (81% vs 80% read as a contradiction)', async () => {
    const { repCardValues } = await import('../../../src/domain/report/card-values.js');
    const r = buildReports(dataset({ people: [person('rep01')], activities: [act('rep01', '2026-W48', 5)] }), S).reports[0]!;
    const withTop = { ...r, dimensions: [{ key: 'proposal', name: '方案定制率', mine: 0.07, top: 0.8, everyone: 0.49, target: null }] };
    expect(repCardValues(withTop, undefined).activities).toContain('**方案定制率**（有效拜访中）：你 7%｜全员赢单率前 25% 的同事 80%｜全员 49%');
  });
});
