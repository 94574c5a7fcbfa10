/** 我的目标 / 查看目标 <姓名>: a goal as text, for whoever may see it (self, managers above, HR). */
import type { Person } from '../../adapters/mongo/people-repository.js';
import { hasContent } from '../../domain/goals/alignment.js';
import { alignmentView, escapeMd, goalMarkdown, statusLabel } from '../../domain/goals/goal-view.js';
import { goalFiguresMarkdown, teamFiguresMarkdown } from '../../domain/report/card-values.js';
import { msg, type Lang } from '../../domain/goals/msg.js';
import type { Logger } from '../../logger.js';
import type { GoalDeps } from './deps.js';
import { liveAlignment, likeOf } from './goal-context.js';
import { contentOf } from './goal-cards.js';
import { refuse } from './refusal.js';
import { resolvePerson } from './resolve-person.js';

export async function showGoal(d: GoalDeps, viewer: Person, arg: string, lang: Lang, reply: (m: { title: string; text: string }) => Promise<void>, log: Logger): Promise<void> {
  const zh = lang === 'zh';
  const text = (t: string) => reply({ title: zh ? '目标' : 'Goal', text: t });
  const subject = arg ? await resolvePerson(d, arg, lang, text) : viewer;
  if (!subject) return;
  const role = d.org.roleOf(viewer);
  if (!(await d.people.canView({ id: viewer._id, role }, subject._id))) {
    return refuse(
      { audit: d.audit, logger: log },
      {
        actorId: viewer._id,
        what: 'goal.view',
        entity: 'goal',
        entityId: subject._id,
        lang,
        reason: msg(
          `抱歉，你没有权限查看 ${subject.name} 的目标：销售只能查看自己的目标，主管可以查看自己团队（含下级团队）的目标。`,
          `Sorry, you can't see ${subject.name}'s goal: reps see their own goals, managers their team's (including sub-teams).`,
        ),
      },
      text,
    );
  }
  const quarter = await d.quarters.current(d.clock.now());
  if (!quarter) return text(zh ? '本季度还没有设置。' : 'No quarter is set up yet.');
  const goal = await d.goals.get(quarter.id, subject._id);
  const self = subject._id === viewer._id;
  if (!goal || !hasContent(likeOf(goal))) {
    return text(
      self
        ? zh
          ? `你还没有提交 ${quarter.id} 的目标。发送「目标」获取目标卡片。`
          : `You have not submitted ${quarter.id} goals yet. Send "goal" for the goal card.`
        : zh
          ? `${subject.name} 还没有提交 ${quarter.id} 的目标（${statusLabel(goal?.status ?? 'none', 'zh')}）。`
          : `${subject.name} has not submitted ${quarter.id} goals yet (${statusLabel(goal?.status ?? 'none', 'en')}).`,
    );
  }
  const a = alignmentView(await liveAlignment(d, subject, goal, quarter), lang);
  const edition = await d.goals.edition(quarter.id, goal.ownerId);
  const head = zh
    ? `### ${escapeMd(subject.name)} · ${quarter.id} 目标\n状态：**${statusLabel(goal.status, 'zh')}** · 第 ${edition} 版`
    : `### ${escapeMd(subject.name)} · ${quarter.id} goal\nStatus: **${statusLabel(goal.status, 'en')}** · version ${edition}`;
  const decision = goal.decisionComment ? (zh ? `\n\n主管意见：${escapeMd(goal.decisionComment)}` : `\n\nManager's comment: ${escapeMd(goal.decisionComment)}`) : '';
  // Progress and score: the same figures (and the same lines) as the Friday card.
  const figures = d.figures ? await d.figures(subject._id) : null;
  const nameEn = (key: string) => quarter.metrics.find((m) => m.key === key)?.nameEn;
  // A manager without a personal book is measured on the team (as the team summary and the director's row).
  const rollup = figures && !figures.personalBook && d.teamRollup ? await d.teamRollup(subject._id) : null;
  const progress = rollup ? `\n\n${teamFiguresMarkdown(figures!.share, rollup, lang, nameEn)}` : figures ? `\n\n${goalFiguresMarkdown(figures, lang, nameEn)}` : '';
  await reply({ title: zh ? `${subject.name} 的目标` : `${subject.name}'s goal`, text: `${head}\n\n${goalMarkdown(contentOf(goal), quarter.metrics, lang)}\n\n**${a.title}**\n${a.text}${progress}${decision}` });
}
