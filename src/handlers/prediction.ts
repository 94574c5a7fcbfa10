/**
 * `预测` / `forecast`: who will reach the quarter's target. A rep sees their own; a manager their reports
 * (direct and indirect); HR everyone; `预测 张伟` one person the asker may see. The answer shows one
 * person's data, so in a group it goes to the asker 1:1. The service checks the role, not the wording.
 */
import type { Models } from '../adapters/mongo/models/index.js';
import type { Bot } from '../bot/bot.js';
import type { Messenger } from '../bot/messenger.js';
import type { Clock } from '../clock.js';
import { formatListForecast, formatPersonForecast } from '../domain/prediction/forecast-text.js';
import type { Prediction } from '../services/prediction/index.js';
import { predictNow } from '../services/prediction/predictor.js';
import { PREDICTED_METRICS } from '../domain/prediction/features.js';
import type { ReportViews } from '../services/weekly-report/report-views.js';
import { PeopleRepository } from '../adapters/mongo/people-repository.js';

export interface PredictionHandlerDeps {
  models: Models;
  messenger: Messenger;
  clock: Clock;
  views: ReportViews;
  prediction: Prediction;
}

const t = (lang: 'zh' | 'en', zh: string, en: string) => (lang === 'en' ? en : zh);

export function registerPrediction(bot: Bot, d: PredictionHandlerDeps): void {
  const people = new PeopleRepository(d.models);
  bot.command(
    {
      name: 'forecast',
      privacy: 'personal', access: { rep: 'own', manager: 'team', hr: 'company' },
      keywords: ['预测', 'forecast'],
      summary: { zh: '本季度达成目标的概率与主要因素（经理看团队，「预测 张伟」看某人）', en: 'chance of reaching this quarter\'s target, with the main factors ("forecast <name>")' },
      example: '预测',
    },
    async (ctx) => {
      const me = ctx.event.senderStaffId;
      const lang = ctx.lang;
      const who = ctx.args.trim();
      const { role } = await d.views.viewer(me);
      let subjects: string[];
      let single = false;
      if (who) {
        const found = await d.models.Person.find({ $or: [{ _id: who }, { name: who }], isActive: true }, { _id: 1 }).limit(3).lean();
        if (found.length === 0) return ctx.reply(t(lang, `没有找到「${who.slice(0, 20)}」，请用姓名或 userid。`, `No one called "${who.slice(0, 20)}"; use a name or userid.`));
        if (found.length > 1) return ctx.reply(t(lang, `有多位「${who.slice(0, 20)}」，请用 userid 指定。`, `Several people are called "${who.slice(0, 20)}"; use the userid.`));
        const id = String(found[0]!._id);
        if (!(await d.views.canView(me, id))) return ctx.reply(t(lang, '你只能查看自己和下属的预测。', 'You can only see your own and your reports\' forecasts.'));
        subjects = [id];
        single = true;
      } else if (role === 'hr') subjects = [];
      else {
        const under = role === 'manager' ? await people.allReports(me) : [];
        subjects = [me, ...under];
        single = under.length === 0;
      }
      await d.prediction.keeper.ensure();
      // Every metric the model predicts: a rep's list shows one line per metric with a target.
      const set = await predictNow(d.models, d.clock.now(), { lang, metrics: PREDICTED_METRICS });
      if (set.status === 'no-quarter') return ctx.reply(t(lang, '当前没有进行中的季度，请 HR 先设置季度。', 'No quarter is running; HR needs to set one up first.'));
      const rows = role === 'hr' && !who ? set.rows : set.rows.filter((r) => subjects.includes(r.personId));
      if (rows.length === 0) return ctx.reply(t(lang, '本季度没有已批准的目标，无法预测。先用「目标」设定并获批。', 'No approved target this quarter, so nothing to forecast. Set one with "goal".'));
      const text = single ? formatPersonForecast(set, rows, lang) : formatListForecast(set, rows, d.prediction.threshold, lang);
      const msg = { type: 'markdown' as const, title: t(lang, '达成预测', 'Forecast'), text };
      if (ctx.event.isGroup) {
        await d.messenger.send({ kind: 'user', userId: me }, msg);
        return ctx.reply(t(lang, '预测涉及个人数据，已私聊发给你。', 'A forecast shows personal data; sent to you privately.'));
      }
      return ctx.reply(msg);
    },
  );
}
