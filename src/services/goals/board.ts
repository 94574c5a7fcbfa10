/** 团队看板: the alignment board PNG for a manager's team (or, for HR, any team / the whole company). */
import type { Person } from '../../adapters/mongo/people-repository.js';
import { alignmentBoardSpec } from '../../domain/charts/alignment-board.js';
import { buildBoardRows } from '../../domain/goals/board-rows.js';
import { metricName } from '../../domain/goals/metrics.js';
import { joinList, msg, type Lang } from '../../domain/goals/msg.js';
import { formatLocal } from '../../domain/time/calendar.js';
import type { Logger } from '../../logger.js';
import type { GoalDeps } from './deps.js';
import { likeOf } from './goal-context.js';
import { refuse } from './refusal.js';
import { resolvePerson } from './resolve-person.js';

/** Beyond this the PNG stops being readable; ask for a sub-team instead. */
export const BOARD_MAX_ROWS = 80;

export interface BoardIo {
  reply(text: string): Promise<void>;
  replyImage(png: Buffer, filename: string): Promise<void>;
}

export async function postBoard(d: GoalDeps, viewer: Person, arg: string, lang: Lang, io: BoardIo, log: Logger): Promise<void> {
  const zh = lang === 'zh';
  const role = d.org.roleOf(viewer);
  if (role === 'rep') {
    return refuse(
      { audit: d.audit, logger: log },
      { actorId: viewer._id, what: 'board', entity: 'board', entityId: arg || viewer._id, lang, reason: msg('团队看板只对主管和 HR 开放。发送「我的目标」可以查看你自己的目标。', 'The team board is for managers and HR. Send "my goal" to see your own goal.') },
      io.reply,
    );
  }
  const quarter = await d.quarters.current(d.clock.now());
  if (!quarter) return io.reply(zh ? '本季度还没有设置，暂无看板。请 HR 发送「季度设置」。' : 'No quarter is set up yet, so there is no board. HR can send "quarter setup".');

  let target: Person | undefined;
  if (arg) {
    target = await resolvePerson(d, arg, lang, io.reply);
    if (!target) return;
  } else if (role === 'hr') {
    const roots = await d.finder.roots();
    if (roots.length !== 1) {
      return io.reply(zh ? `请指定要看哪个团队：团队看板 <主管姓名>。最上层主管：${joinList(roots.map((r) => r.name), 'zh') || '（暂无）'}` : `Name a team: board <manager>. Top managers: ${joinList(roots.map((r) => r.name), 'en') || '(none)'}`);
    }
    target = roots[0]!;
  } else target = viewer;

  if (role !== 'hr' && target._id !== viewer._id && !(await d.people.canView({ id: viewer._id, role }, target._id))) {
    return refuse(
      { audit: d.audit, logger: log },
      { actorId: viewer._id, what: 'board', entity: 'board', entityId: target._id, lang, reason: msg(`你只能查看自己团队的看板，${target.name} 不在你的团队中。`, `You can only see your own team's board; ${target.name} is not in your team.`) },
      io.reply,
    );
  }

  const below = await d.people.allReports(target._id);
  if (below.length === 0) return io.reply(zh ? `${target.name} 名下还没有成员。` : `${target.name} has no one reporting to them yet.`);
  if (below.length > BOARD_MAX_ROWS) {
    const subs = await d.people.directReports(target._id);
    return io.reply(
      zh
        ? `${target.name} 团队共 ${below.length} 人，看板最多显示 ${BOARD_MAX_ROWS} 行。请指定下级主管，例如：团队看板 ${subs[0]?.name ?? '<姓名>'}`
        : `${target.name}'s team has ${below.length} people; the board shows at most ${BOARD_MAX_ROWS}. Name a sub-team, e.g. board ${subs[0]?.name ?? '<name>'}`,
    );
  }
  const started = Date.now();
  const people = await d.people.getMany([target._id, ...below]);
  const goals = await d.goals.forOwners(quarter.id, people.map((p) => p._id));
  const built = buildBoardRows({
    rootId: target._id,
    people: people.filter((p) => p.isActive).map((p) => ({ id: p._id, name: p.name, managerId: p.managerId ?? null })),
    goals: goals.map((g) => ({ ...likeOf(g), openedAt: g.openedAt, submittedAt: g.submittedAt, decidedAt: g.decidedAt })),
    metrics: quarter.metrics,
    company: quarter.direction,
    lang,
  });
  const c = built.counts;
  const now = d.clock.now();
  const summary = zh
    ? `${built.rows.length} 人 · 已通过 ${c.approved} · 待审批 ${c.submitted} · 已退回 ${c.returned} · 草稿 ${c.draft} · 未开始 ${c.none} · 方向不一致 ${built.misaligned}（红色） · 截至 ${formatLocal(now, d.timeZone, 'zh')}`
    : `${built.rows.length} people · approved ${c.approved} · awaiting ${c.submitted} · sent back ${c.returned} · draft ${c.draft} · not started ${c.none} · misaligned ${built.misaligned} (red) · as of ${formatLocal(now, d.timeZone, 'en')}`;
  const metricNames = quarter.metrics.map((m) => metricName(m, lang)).join(' / ');
  const spec = alignmentBoardSpec({
    title: zh ? `${quarter.id} 目标对齐看板 · ${target.name}团队` : `${quarter.id} goal alignment · ${target.name}'s team`,
    subtitle: summary,
    notesTitle: zh ? `目标（${metricNames}） · 不一致原因 / 方向` : `Targets (${metricNames}) · why misaligned / direction`,
    lang,
    zone: d.timeZone,
    quarter: { start: quarter.start, end: quarter.end, reviewAt: quarter.reviewAt },
    now,
    palette: built.palette,
    rows: built.rows,
  });
  const png = await d.renderPng(spec);
  log.info({ target: target._id, rows: built.rows.length, ms: Date.now() - started, bytes: png.length }, 'board rendered');
  await io.replyImage(png, `board-${quarter.id}-${target._id}.png`);
  const red = built.rows.filter((r) => r.misaligned);
  // The picture has the detail; the text makes the red ones searchable and readable without zooming.
  const lines = red.slice(0, 10).map((r) => `- ${r.label}：${r.note}`);
  if (red.length > 10) lines.push(zh ? `- 另有 ${red.length - 10} 人…` : `- and ${red.length - 10} more…`);
  await io.reply((zh ? `${target.name}团队：${summary}` : `${target.name}'s team: ${summary}`) + (lines.length ? `\n${zh ? '方向不一致：' : 'Misaligned:'}\n${lines.join('\n')}` : ''));
}
