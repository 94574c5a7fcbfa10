import type { Models } from '../../adapters/mongo/models/index.js';
import { appealStats, formatSpan, type Lang, type TeamAppealStats } from '../../domain/appeals/appeal-rules.js';
import { escapeMd } from '../../domain/goals/goal-view.js';

/**
 * `申诉统计`: per quarter and team (the rep's direct manager when the appeal was opened) — opened,
 * accepted, rejected, still open, median time to decision. The source case's measure of whether numbers
 * are trusted: appeals falling quarter on quarter, decided quickly.
 */
export async function appealStatsText(m: Pick<Models, 'Appeal' | 'Person'>, quarterId: string, lang: Lang): Promise<{ title: string; text: string }> {
  const rows = await m.Appeal.find({ quarterId }, { managerId: 1, status: 1, openedAt: 1, decidedAt: 1 }).lean();
  const s = appealStats(rows.map((r) => ({ teamId: r.managerId, status: r.status as 'open' | 'accepted' | 'rejected', openedAt: r.openedAt, decidedAt: r.decidedAt ?? null })));
  const managers = new Map((await m.Person.find({ _id: { $in: s.teams.map((t) => t.teamId) } }, { name: 1 }).lean()).map((p) => [String(p._id), p.name]));
  const zh = lang === 'zh';
  const title = zh ? `${quarterId} 申诉统计` : `${quarterId} appeals`;
  const line = (label: string, t: TeamAppealStats) =>
    zh
      ? `| ${label} | ${t.opened} | ${t.accepted} | ${t.rejected} | ${t.open} | ${formatSpan(t.medianDecisionMs, lang)} |`
      : `| ${label} | ${t.opened} | ${t.accepted} | ${t.rejected} | ${t.open} | ${formatSpan(t.medianDecisionMs, lang)} |`;
  if (s.total.opened === 0) return { title, text: zh ? `### ${title}\n本季度还没有申诉。` : `### ${title}\nNo appeals this quarter.` };
  const lines = [
    `### ${title}`,
    zh ? '| 团队（主管） | 申诉 | 认可 | 驳回 | 待处理 | 决定用时中位数 |' : '| Team (manager) | Opened | Accepted | Rejected | Open | Median time to decision |',
    '| --- | --- | --- | --- | --- | --- |',
    ...s.teams.map((t) => line(escapeMd(managers.get(t.teamId) ?? t.teamId), t)),
    line(zh ? '**合计**' : '**Total**', s.total),
  ];
  return { title, text: lines.join('\n') };
}
