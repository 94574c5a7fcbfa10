import { randomBytes } from 'node:crypto';
import mongoose, { type Connection } from 'mongoose';
import { inject } from 'vitest';

export interface TestDb {
  conn: Connection;
  dbName: string;
  /** Connection string including the database name. */
  uri: string;
  /** Drops the database and closes the connection; call in afterAll/afterEach. */
  drop(): Promise<void>;
}

/**
 * A mongoose connection to a database no other test uses, on the server from the global setup.
 * Names are limited to [a-z0-9_] (FerretDB rejects other characters; mongod is case-insensitive
 * about database-name clashes) and kept well under the 63-character limit.
 */
export async function connectTestDb(name = 't'): Promise<TestDb> {
  const base = serverUri();
  const prefix = name.toLowerCase().replace(/[^a-z0-9_]+/g, '_').slice(0, 40) || 't';
  const dbName = `${prefix}_${randomBytes(5).toString('hex')}`;
  const u = new URL(base);
  u.pathname = `/${dbName}`;
  const uri = u.toString();
  const conn = await mongoose.createConnection(uri).asPromise();
  return {
    conn,
    dbName,
    uri,
    async drop() {
      try {
        // mongo-java-server now and then answers dropDatabase with "index not found with name [_id_]" while
        // it drops another file's database at the same moment; one retry clears it. The name is unique to the
        // file and the server is thrown away after the run, so a database left behind harms nothing.
        await conn.dropDatabase().catch(() => conn.dropDatabase()).catch((err: unknown) => {
          process.stderr.write(`test db ${dbName} not dropped: ${err instanceof Error ? err.message : String(err)}\n`);
        });
      } finally {
        await conn.close();
      }
    },
  };
}

function serverUri(): string {
  let uri: string | undefined;
  try {
    uri = inject('mongoUri');
  } catch {
    // not inside a vitest worker with the global setup: fall back to the environment
  }
  uri ??= process.env.MONGODB_URI;
  if (uri === undefined || uri === '') {
    throw new Error('no test MongoDB: run the integration project (its global setup starts one) or set MONGODB_URI');
  }
  return uri;
}
