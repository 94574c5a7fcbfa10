/**
 * What `周报 …` / `report …` asks for:
 *   周报                      my report (a manager also gets their team summary)
 *   周报 张伟 | report rep01    someone's report, sent to me (if I may see it)
 *   周报 推送 张伟              HR: push this week's report to 张伟 now
 *   周报 推送 团队 王磊 | 王磊团队 HR: push to 王磊's direct reports and 王磊's team summary
 *   周报 推送 全部 | report send all   HR: the whole Friday run now
 */
export type ReportRequest =
  | { kind: 'self' }
  | { kind: 'view'; who: string }
  | { kind: 'push'; target: { kind: 'all' } | { kind: 'team'; who: string } | { kind: 'person'; who: string } }
  | { kind: 'push-missing-target' };

export function parseReportArgs(args: string): ReportRequest {
  const a = args.trim();
  if (a === '') return { kind: 'self' };
  const push = /^(推送|发送|send|push)(?:\s+|$)(.*)$/i.exec(a);
  if (!push) return { kind: 'view', who: a };
  const rest = push[2]!.trim();
  if (rest === '') return { kind: 'push-missing-target' };
  if (/^(全部|所有人|全员|all|everyone)$/i.test(rest)) return { kind: 'push', target: { kind: 'all' } };
  const team = /^(?:团队|小组|team)\s*(.+)$/i.exec(rest) ?? /^(.+?)\s*(?:的)?(?:团队|小组)$/.exec(rest) ?? /^(.+?)(?:'s)?\s+team$/i.exec(rest);
  if (team) return { kind: 'push', target: { kind: 'team', who: team[1]!.trim() } };
  return { kind: 'push', target: { kind: 'person', who: rest } };
}
