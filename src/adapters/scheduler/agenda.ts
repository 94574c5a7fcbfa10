import { MongoBackend } from '@agendajs/mongo-backend';
import { Agenda } from 'agenda';
import type { Db } from 'mongodb';
import type { Logger } from '../../logger.js';

/** Agenda on the app's own database (jobs in `agenda_jobs`), polling, sharing the mongoose driver. */
export function createAgenda(opts: { db: Db; logger: Logger; instanceName: string; processEvery?: number }): Agenda {
  const agenda = new Agenda({
    backend: new MongoBackend({ mongo: opts.db, collection: 'agenda_jobs' }),
    name: opts.instanceName,
    processEvery: opts.processEvery ?? 5000,
    defaultLockLifetime: 10 * 60_000,
    maxConcurrency: 10,
  });
  agenda.on('error', (err) => opts.logger.error({ err }, 'agenda error'));
  return agenda;
}
