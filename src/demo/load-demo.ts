/**
 * Puts the demo company into the database (once) and into the local DingTalk stand-in's org (every start,
 * since the stand-in keeps its org in memory). A `demo_meta` marker records the seed and size used, so
 * later starts rebuild the same org even if the settings changed, and a crashed load resumes.
 */
import type { Collection, Db } from 'mongodb';
import type { Models } from '../adapters/mongo/models/index.js';
import type { FakeDingTalk } from '../fake-dingtalk/fake-dingtalk.js';
import type { Logger } from '../logger.js';
import { DEFAULT_HISTORY_QUARTERS, generateCompany, type DemoCompany } from './company.js';
import { quarterChunks, repsIn } from './rep-quarter.js';

export interface LoadDemoOptions {
  models: Models;
  /** The app database (the marker lives in its `demo_meta` collection). */
  db: Db;
  /** Also load the org here (local mode). */
  fake?: FakeDingTalk;
  seed: number;
  size: number;
  now: Date;
  timeZone: string;
  logger: Logger;
  /** Reps per insert batch (each rep is a few hundred documents); small batches show progress sooner. */
  chunkReps?: number;
  /** Finished quarters loaded after the current one (the prediction's training data); default 4. */
  historyQuarters?: number;
  /** Reps per manager (default 14); tests use small teams to get several managers from few reps. */
  teamSize?: number;
}

export interface DemoMeta {
  _id: 'company';
  seed: number;
  size: number;
  generatedAt: Date;
  /** Absent in markers written before the history existed: those companies have none. */
  historyQuarters?: number;
  teamSize?: number;
  /** The demo's activity and deals are stored up to this instant (advanceDemo moves it with the simulated clock). */
  advancedTo?: Date;
  status: 'loading' | 'loaded';
  counts?: DemoCounts;
  loadedAt?: Date;
}

export interface DemoCounts {
  people: number;
  goals: number;
  activities: number;
  deals: number;
}

export interface LoadDemoResult {
  /** False when the database already held the demo company. */
  inserted: boolean;
  company: DemoCompany;
  counts: DemoCounts;
  ms: number;
}

/** A load under way: the org is in place at once, the database fills in the background. */
export interface DemoLoad {
  company: DemoCompany;
  /**
   * Settles when the current quarter and the people are in: the bot answers with data from then on (rejects
   * if the load failed). The finished quarters keep loading after it.
   */
  ready: Promise<LoadDemoResult>;
  /** Settles when the whole company, history included, is in. */
  complete: Promise<LoadDemoResult>;
  /** Reps whose current quarter is in (done = ready), and the finished quarters loaded so far. */
  progress(): { repsDone: number; repsTotal: number; done: boolean; historyDone: number; historyTotal: number; complete: boolean; error?: string };
  /** Stops after the current batch (shutdown); the next start resumes. */
  abort(): Promise<void>;
}

/** The company last loaded into each database, for advanceDemo (regenerating it is cheap, but not free). */
const companies = new WeakMap<Db, DemoCompany>();
export function loadedCompany(db: Db): DemoCompany | undefined {
  return companies.get(db);
}

/** Loads the company and waits for the database to hold all of it, history included (scripts, tests). */
export async function loadDemoCompany(o: LoadDemoOptions): Promise<LoadDemoResult> {
  return (await startDemoLoad(o)).complete;
}

/**
 * Regenerates the org into the stand-in right away, then inserts the quarter in the background:
 * the local database takes a few thousand documents a second, and the bot should answer meanwhile.
 */
export async function startDemoLoad(o: LoadDemoOptions): Promise<DemoLoad> {
  const t0 = performance.now();
  const log = o.logger.child({ component: 'demo-company' });
  const metaCol: Collection<DemoMeta> = o.db.collection<DemoMeta>('demo_meta');
  const meta = await metaCol.findOne({ _id: 'company' });
  // The database wins over the settings: regenerate exactly what it holds.
  const params = meta
    ? { seed: meta.seed, size: meta.size, now: meta.generatedAt, historyQuarters: meta.historyQuarters ?? 0, ...(meta.teamSize ? { teamSize: meta.teamSize } : {}) }
    : { seed: o.seed, size: o.size, now: o.now, historyQuarters: o.historyQuarters ?? DEFAULT_HISTORY_QUARTERS, ...(o.teamSize ? { teamSize: o.teamSize } : {}) };
  if (meta && (meta.seed !== o.seed || meta.size !== o.size)) {
    log.warn({ stored: { seed: meta.seed, size: meta.size }, requested: { seed: o.seed, size: o.size } }, 'demo company already loaded with other settings; keeping it (delete DATA_DIR to start over)');
  }
  const company = generateCompany({ ...params, timeZone: o.timeZone });
  companies.set(o.db, company);
  o.fake?.org.load(company.fakeOrg);
  const quarters = [company.currentQuarter, ...company.history.slice().reverse()];
  const state = { repsDone: 0, repsTotal: company.reps.length, done: false, historyDone: 0, historyTotal: company.history.length, complete: false, aborted: false, error: undefined as string | undefined };
  const progress = () => ({ repsDone: state.repsDone, repsTotal: state.repsTotal, done: state.done, historyDone: state.historyDone, historyTotal: state.historyTotal, complete: state.complete, ...(state.error ? { error: state.error } : {}) });

  if (meta?.status === 'loaded' && meta.counts) {
    Object.assign(state, { repsDone: state.repsTotal, done: true, historyDone: state.historyTotal, complete: true });
    const result = { inserted: false, company, counts: meta.counts, ms: performance.now() - t0 };
    return { company, ready: Promise.resolve(result), complete: Promise.resolve(result), progress, abort: async () => undefined };
  }
  let currentIn: (r: LoadDemoResult) => void = () => undefined;
  const currentReady = new Promise<LoadDemoResult>((resolve) => (currentIn = resolve));

  const insertAllOfIt = async (): Promise<LoadDemoResult> => {
    if (!meta) await metaCol.insertOne({ _id: 'company', seed: params.seed, size: params.size, generatedAt: params.now, historyQuarters: params.historyQuarters, ...(params.teamSize ? { teamSize: params.teamSize } : {}), status: 'loading' });
    log.info({ seed: params.seed, size: params.size, quarter: company.quarter._id }, meta ? 'resuming the demo company load' : 'loading the demo company');
    const stamp = { createdAt: params.now, updatedAt: params.now };
    const counts: DemoCounts = { people: company.people.length, goals: 0, activities: 0, deals: 0 };
    let lastLog = performance.now();
    // The current quarter first, then the people (the org is "there" from then on and the bot answers
    // with this quarter's data), then the finished quarters, newest first, for the prediction.
    for (const quarter of quarters) {
      await insertAll(o.models.Quarter.collection, [{ ...quarter.quarter, ...stamp }]);
      await insertAll(o.models.Goal.collection, quarter.goals.map((g) => ({ ...g, ...stamp })));
      counts.goals += quarter.goals.length;
      for (const chunk of quarterChunks(company, o.chunkReps ?? 8, quarter)) {
        if (state.aborted) throw new Error('demo load aborted (shutdown); the next start resumes it');
        for (const a of chunk.activities) Object.assign(a, stamp);
        for (const d of chunk.deals) Object.assign(d, stamp);
        await insertAll(o.models.Activity.collection, chunk.activities);
        await insertAll(o.models.Deal.collection, chunk.deals);
        counts.activities += chunk.activities.length;
        counts.deals += chunk.deals.length;
        if (quarter.current) state.repsDone += chunk.reps.length;
        if (performance.now() - lastLog > 5000) {
          lastLog = performance.now();
          log.info({ quarter: quarter.quarter._id, reps: `${state.repsDone}/${state.repsTotal}`, history: `${state.historyDone}/${state.historyTotal}`, activities: counts.activities }, 'demo company: loading…');
        }
      }
      if (quarter.current) {
        // People after the current quarter: an empty people collection is what the rest of the app sees as "no org yet".
        await insertAll(o.models.Person.collection, company.people.map((p) => ({ ...p, ...stamp })));
        log.info({ ms: Math.round(performance.now() - t0), activities: counts.activities }, 'demo company: current quarter and people loaded; loading the history');
        state.done = true;
        currentIn({ inserted: true, company, counts: { ...counts }, ms: performance.now() - t0 });
      } else state.historyDone++;
    }
    await metaCol.updateOne({ _id: 'company' }, { $set: { status: 'loaded', counts, loadedAt: new Date() } });
    const ms = performance.now() - t0;
    log.info({ ...counts, ms: Math.round(ms) }, 'demo company loaded');
    return { inserted: true, company, counts, ms };
  };

  const complete = insertAllOfIt().then(
    (r) => {
      state.complete = true;
      return r;
    },
    (err: unknown) => {
      state.error = err instanceof Error ? err.message : String(err);
      if (!state.aborted) log.error({ err }, 'demo company load failed; restart to resume it');
      throw err;
    },
  );
  complete.catch(() => undefined); // observed through progress() and the log; callers may still await it
  // Ready when the current quarter is in, or failed if the load failed before that.
  const ready = Promise.race([currentReady, complete]);
  ready.catch(() => undefined);
  return {
    company,
    ready,
    complete,
    progress,
    abort: async () => {
      state.aborted = true;
      await complete.catch(() => undefined);
    },
  };
}

/**
 * Unordered bulk insert straight through the driver (the generator already produces complete documents;
 * mongoose casting would double the time for millions of them). Documents that exist already (a resumed
 * load) are skipped: their keys are deterministic, so a duplicate is the same document.
 */
export async function insertAll(col: { insertMany: Collection['insertMany'] }, docs: object[]): Promise<void> {
  if (docs.length === 0) return;
  try {
    await col.insertMany(docs, { ordered: false, ignoreUndefined: true });
  } catch (err) {
    const writeErrors = (err as { writeErrors?: Array<{ code?: number }> | { code?: number } }).writeErrors;
    const list = Array.isArray(writeErrors) ? writeErrors : writeErrors ? [writeErrors] : [];
    if (list.length === 0 || list.some((e) => e.code !== 11000)) throw err;
  }
}
