import { describe, expect, it } from 'vitest';
import { buildReports } from '../../../src/domain/report/build-report.js';
import { goalFiguresMarkdown, progressLine, repCardValues, teamCardValues } from '../../../src/domain/report/card-values.js';
import { buildTeamSummaries } from '../../../src/domain/report/team.js';
import { DEFAULT_REPORT_SETTINGS as S } from '../../../src/domain/report/types.js';
import { act, dataset, person } from './fixtures.js';

/**
 * Outside text (a person's name from the directory, key accounts typed on the goal card) reaches the
 * cards through the attribution's sentence ("目标环节：<name> 本季未设目标…"); the rep card's 看这里 and
 * the manager's team lines are markdown, so it must arrive escaped there — found in the simulator, where
 * a key account typed as `**粗体客户** [链接](http://x)` rendered bold with a live link on the team card.
 */
describe('outside text in the report cards', () => {
  const evil = '*坏*[点我](http://x)<b>';
  const d = dataset({
    people: [person('rep01', 'mgr01', evil)],
    activities: [act('rep01', '2026-W48', 5)],
  });
  const { reports } = buildReports(d, S);
  const r = reports[0]!;

  it('escapes the name inside the rep card\'s insight', () => {
    expect(r.insight).toContain(evil);
    const m = repCardValues(r, undefined);
    expect(m.insight).toContain('\\*坏\\*\\[点我\\](http://x)\\<b\\>');
    expect(String(m.insight)).not.toContain(evil);
  });

  it('escapes it in the team card\'s member line too', () => {
    const org = [person('mgr01', null, '王磊'), ...d.people];
    const [team] = buildTeamSummaries(reports, new Map([['mgr01', '王磊']]), org, S);
    const m = teamCardValues(team!, undefined, S.thresholds);
    expect(String(m.members)).not.toContain(evil);
    expect(String(m.members)).toContain('本季未设目标');
    // The name itself and the insight naming it: escaped both times.
    expect(String(m.members).split('\\*坏\\*\\[点我\\](http://x)\\<b\\>').length).toBe(3);
  });
});

describe('the score deduction (its reason quotes the typed key accounts)', () => {
  const d = dataset({
    people: [person('rep01', 'mgr01', '张伟')],
    goals: [{ ownerId: 'rep01', status: 'approved', targets: [{ metric: 'signed_amount', value: 800_000 }] }],
    activities: [act('rep01', '2026-W48', 5)],
  });
  const r = buildReports(d, S).reports[0]!;
  const typed = '**粗体客户** [链接](http://x)';
  const health = { ...r.health, deductions: [{ code: 'misaligned' as const, points: 15, explain: `目标方向与上级不一致：重点客户 ${typed} 不在上级重点客户 申城制药 内` }] };

  it('is escaped in 我的目标 / 查看目标', () => {
    const text = goalFiguresMarkdown({ ...r.figures, health });
    expect(text).toContain('扣 15 分：目标方向与上级不一致：重点客户 \\*\\*粗体客户\\*\\* \\[链接\\](http://x)');
    expect(text).not.toContain(typed);
  });

  it('is escaped in the rep card\'s 健康分怎么算', () => {
    const m = repCardValues({ ...r, health }, undefined);
    expect(String(m.scoreParts)).toContain('- 扣分：−15 分 —— 目标方向与上级不一致：重点客户 \\*\\*粗体客户\\*\\*');
    expect(String(m.scoreParts)).not.toContain(typed);
  });
});

describe('names HR typed in the quarter set-up (metrics, activity types, score parts)', () => {
  const d = dataset({
    people: [person('rep01', 'mgr01', '张伟')],
    goals: [{ ownerId: 'rep01', status: 'approved', targets: [{ metric: 'signed_amount', value: 800_000 }] }],
    activities: [act('rep01', '2026-W48', 5)],
  });
  const r = buildReports(d, S).reports[0]!;
  const typed = '**签约**[额](http://x)';

  it('are escaped in the progress line, the week\'s activity types and 健康分怎么算', () => {
    const p = r.progress.find((x) => x.target !== null)!;
    const line = progressLine({ ...p, name: typed });
    expect(line).toContain('- \\*\\*签约\\*\\*\\[额\\](http://x)：');
    expect(line).not.toContain(typed);
    const card = repCardValues(
      { ...r, thisWeek: { ...r.thisWeek, byType: [{ type: 'visit', name: typed, n: 2 }] }, health: { ...r.health, components: r.health.components.map((c) => ({ ...c, name: typed })) } },
      undefined,
    );
    expect(JSON.stringify(card)).not.toContain(JSON.stringify(typed).slice(1, -1));
    expect(String(card.scoreParts)).toContain('- \\*\\*签约\\*\\*\\[额\\](http://x)');
  });
});
