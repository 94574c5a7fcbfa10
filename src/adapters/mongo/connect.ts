import mongoose, { type Connection } from 'mongoose';
import type { Logger } from '../../logger.js';

/** Opens a dedicated connection (not mongoose's global one); indexes are built explicitly, not by autoIndex. */
export async function connectMongo(uri: string, logger: Logger, opts: { serverSelectionTimeoutMS?: number } = {}): Promise<Connection> {
  const conn = mongoose.createConnection(uri, {
    autoIndex: false,
    autoCreate: false,
    serverSelectionTimeoutMS: opts.serverSelectionTimeoutMS ?? 10_000,
    maxPoolSize: 20,
  });
  conn.on('disconnected', () => logger.warn('mongo: disconnected'));
  conn.on('reconnected', () => logger.info('mongo: reconnected'));
  await conn.asPromise();
  logger.info({ db: conn.name }, 'mongo: connected');
  return conn;
}

/** True when the database answers a ping within the timeout. */
export async function pingMongo(conn: Connection, timeoutMs = 2000): Promise<boolean> {
  const db = conn.db;
  if (!db || conn.readyState !== 1) return false;
  try {
    await Promise.race([
      db.command({ ping: 1 }),
      new Promise((_, reject) => setTimeout(() => reject(new Error('ping timeout')), timeoutMs).unref()),
    ]);
    return true;
  } catch {
    return false;
  }
}
