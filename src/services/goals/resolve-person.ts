import type { Person } from '../../adapters/mongo/people-repository.js';
import { joinList, type Lang } from '../../domain/goals/msg.js';
import type { GoalDeps } from './deps.js';
import { echoArg } from '../../domain/text/cut.js';

/** The person a command names (姓名 or userid); asks back when nobody or several people match. */
export async function resolvePerson(d: Pick<GoalDeps, 'finder'>, query: string, lang: Lang, reply: (text: string) => Promise<void>): Promise<Person | undefined> {
  const found = await d.finder.find(query);
  if (found.kind === 'one') return found.person;
  if (found.kind === 'none') {
    await reply(lang === 'zh' ? `没有找到「${echoArg(query)}」。请用通讯录中的姓名或 userid。` : `Nobody called "${echoArg(query)}" was found; use the name or userid from the directory.`);
    return undefined;
  }
  const options = found.people.map((p) => `${p.name}（${joinList(p.deptNames ?? [], lang) || p._id}，userid ${p._id}）`);
  await reply(lang === 'zh' ? `有 ${found.people.length} 位「${echoArg(query)}」，请改用 userid：\n${options.join('\n')}` : `${found.people.length} people are called "${echoArg(query)}"; use the userid:\n${options.join('\n')}`);
  return undefined;
}
