import type { Bot } from '../bot/bot.js';
import { registerActivityAdmin } from './activity-admin.js';
import { registerActivityReport } from './activity-report.js';
import { registerActivityRules } from './activity-rules.js';
import type { ActivityHandlerDeps } from './activity-shared.js';

/** The activity chain's chat commands (issue 4). */
export function registerActivity(bot: Bot, d: ActivityHandlerDeps): void {
  registerActivityReport(bot, d);
  registerActivityRules(bot, d);
  registerActivityAdmin(bot, d);
}
