import type { RepReport } from './build-report.js';
import type { HealthLevel } from './health.js';
import { pct } from './format.js';

export interface TeamMemberLine {
  personId: string;
  name: string;
  score: number;
  level: HealthLevel;
  /** The most telling progress fact, e.g. "签约额落后进度 35%". */
  headline: string;
  insight: string;
}

/** What a manager gets on Friday instead of one card per rep: everyone's score, at-risk first. */
export interface TeamSummary {
  managerId: string;
  managerName: string;
  quarterId: string;
  week: string;
  asOf: Date;
  timeZone: string;
  members: TeamMemberLine[];
  counts: Record<HealthLevel, number>;
}

function headlineOf(r: RepReport): string {
  const measured = r.progress.filter((p) => p.paceRatio !== null);
  if (measured.length === 0) return '未设目标';
  const worst = measured.reduce((a, b) => (b.paceRatio! < a.paceRatio! ? b : a));
  if (worst.status === 'behind') return `${worst.name}落后进度 ${pct(1 - worst.paceRatio!)}`;
  if (worst.status === 'ahead') return `各项都超过进度（最低：${worst.name}为进度的 ${pct(worst.paceRatio!)}）`;
  return `${worst.name}接近进度（为进度的 ${pct(worst.paceRatio!)}）`;
}

/** Lowest score first (at-risk on top), then by name so the order is stable. */
export function sortForTeam(lines: TeamMemberLine[]): TeamMemberLine[] {
  return lines.sort((a, b) => a.score - b.score || a.name.localeCompare(b.name, 'zh') || a.personId.localeCompare(b.personId));
}

/** One summary per manager of anyone in `reports`; `names` resolves managers who have no report of their own. */
export function buildTeamSummaries(reports: readonly RepReport[], names: ReadonlyMap<string, string>): TeamSummary[] {
  const byManager = new Map<string, RepReport[]>();
  for (const r of reports) {
    if (!r.managerId) continue;
    const team = byManager.get(r.managerId);
    if (team) team.push(r);
    else byManager.set(r.managerId, [r]);
  }
  return [...byManager].map(([managerId, team]) => {
    const members = sortForTeam(
      team.map((r) => ({ personId: r.personId, name: r.name, score: r.health.score, level: r.health.level, headline: headlineOf(r), insight: r.insight })),
    );
    const counts: Record<HealthLevel, number> = { risk: 0, watch: 0, healthy: 0 };
    for (const m of members) counts[m.level]++;
    const first = team[0]!;
    return {
      managerId,
      managerName: names.get(managerId) ?? managerId,
      quarterId: first.quarterId,
      week: first.week,
      asOf: first.asOf,
      timeZone: first.timeZone,
      members,
      counts,
    };
  });
}
