import mongoose from 'mongoose';
import { createModels } from '../src/adapters/mongo/models/index.js';
import { Bot, type CommandSpec } from '../src/bot/bot.js';
import type { Messenger } from '../src/bot/messenger.js';
import { readConfig } from '../src/config.js';
import { registerHandlers, type HandlerDeps } from '../src/handlers/index.js';
import { createLogger } from '../src/logger.js';
import { createMetrics } from '../src/metrics.js';

/**
 * Every command the service registers, read from the real registerHandlers() without a database or DingTalk:
 * registration only wires handlers, so deps that are never called are stand-ins that refuse to be used.
 * Used by the privacy test (every command declares where it answers) and docs/security.md's generator.
 */
export function registeredCommands(): readonly CommandSpec[] {
  const unused = (what: string) =>
    new Proxy({}, { get: (_t, key) => (key === 'then' ? undefined : () => { throw new Error(`${what}.${String(key)} used while only listing commands`); }) });
  const messenger = unused('messenger') as Messenger;
  const bot = new Bot({ messenger, inbox: unused('inbox') as never, logger: createLogger({ level: 'silent' }), metrics: createMetrics({ defaultMetrics: false }) });
  // A connection that is never opened: models are only bound, never queried, during registration.
  const models = createModels(mongoose.createConnection());
  const deps: HandlerDeps = {
    models,
    api: unused('api') as never,
    messenger,
    ledger: unused('ledger') as never,
    audit: unused('audit') as never,
    clock: { now: () => new Date(0) },
    config: readConfig({}),
    logger: createLogger({ level: 'silent' }),
    org: { onSynced: () => undefined } as never,
    renderPng: unused('renderPng') as never,
    activity: unused('activity') as never,
    reports: { views: unused('views'), runner: unused('runner'), builder: unused('builder') } as never,
    appeals: unused('appeals') as never,
    packs: { service: unused('packs') } as never,
    prediction: unused('prediction') as never,
    calendar: unused('calendar') as never,
  };
  registerHandlers(bot, deps);
  return bot.commands();
}
