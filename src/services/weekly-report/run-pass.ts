import type { ReportRun, ReportRunRepository, ReportScope, RunCounts } from '../../adapters/mongo/report-run-repository.js';
import { readFileSync } from 'node:fs';
import type { Logger } from '../../logger.js';
import { teamSourceOf } from '../../domain/report/team.js';
import { TeamSummaryStream } from '../../domain/report/team-stream.js';
import type { BuiltReports, ReportBuilder } from './report-builder.js';
import { planSlices } from './slice-plan.js';
import type { DeliveryItem, DeliveryOutcome, ReportSender } from './report-sender.js';

/** The cards a run of this scope delivers: managers' summaries first (fewer, and they act on them), then reps. */
export function itemsFor(scope: ReportScope, built: Pick<BuiltReports, 'teams' | 'reports'>): DeliveryItem[] {
  const teams = built.teams.map((team): DeliveryItem => ({ recipientId: team.managerId, part: 'team', team }));
  // A personal report only for those carrying a personal book (reps; managers with their own activity or
  // deals): a manager whose goal is the team's roll-up gets the team summary, not a rep's card of zeros.
  const reports = built.reports.filter((r) => r.figures.personalBook).map((report): DeliveryItem => ({ recipientId: report.personId, part: 'report', report }));
  switch (scope.kind) {
    case 'all':
      return [...teams, ...reports];
    case 'person':
      return reports.filter((i) => i.recipientId === scope.id);
    case 'team':
      return [...teams.filter((i) => i.recipientId === scope.id), ...reports.filter((i) => i.part === 'report' && i.report.managerId === scope.id)];
  }
}

/** Runs `fn` over items with at most `limit` in flight, stopping (after the in-flight ones) when `signal` aborts. */
export async function forEachBounded<T>(items: readonly T[], limit: number, signal: AbortSignal, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (!signal.aborted && next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}

export interface PassDeps {
  runs: ReportRunRepository;
  builder: ReportBuilder;
  sender: ReportSender;
  logger: Logger;
  concurrency: number;
  /** People per slice of a company or team run (REPORT_SLICE_SIZE). */
  sliceSize: number;
}

export interface PassResult {
  counts: RunCounts;
  /** False when the pass stopped early (shutdown, lease lost): the counts then cover only part of the run. */
  complete: boolean;
}

/**
 * One pass over a run. Already-sent cards are skipped by the ledger, so a pass after a crash or a failure
 * only sends what is missing. A person's run builds the one report in bulk; a company or team run goes a
 * slice of whole teams at a time (issue 14): load the slice, compute, deliver its cards, let it go, while
 * the next slice loads. A manager's summary goes out as soon as everyone below them has been computed; only
 * small per-manager sums are kept across slices, never the reports.
 */
export async function executePass(run: ReportRun, d: PassDeps, signal: AbortSignal): Promise<PassResult | undefined> {
  const quarter = await d.builder.quarter(run.quarterId);
  if (!quarter) {
    d.logger.error({ runId: run._id, quarterId: run.quarterId }, 'weekly report: the run\'s quarter no longer exists');
    return undefined;
  }
  const counts: RunCounts = { recipients: 0, sent: 0, alreadySent: 0, inFlight: 0, failed: 0 };
  const tally: Record<DeliveryOutcome, keyof RunCounts> = { sent: 'sent', 'already-sent': 'alreadySent', 'in-flight': 'inFlight', failed: 'failed' };
  const deliver = (items: DeliveryItem[]) =>
    forEachBounded(items, d.concurrency, signal, async (item) => {
      counts[tally[await d.sender.deliver(item, run.week, run._id)]]++;
    });
  const done = () => counts.sent + counts.alreadySent + counts.inFlight + counts.failed;

  if (run.scope.kind === 'person') {
    const built = await d.builder.build(quarter, run.asOf, { peers: run.peers, personIds: [run.scope.id] });
    if (!run.peers) await d.runs.setPeers(run._id, built.peers);
    const items = itemsFor(run.scope, built);
    counts.recipients = items.length;
    await deliver(items);
    return { counts, complete: done() === items.length };
  }

  const t0 = performance.now();
  const root = run.scope.kind === 'team' ? run.scope.id : undefined;
  const plan = await d.builder.plan(quarter, root);
  const peers = run.peers ?? (await d.builder.peers(plan, run.asOf, d.sliceSize));
  if (!run.peers) await d.runs.setPeers(run._id, peers);
  const slices = planSlices(plan.scoped, d.sliceSize);
  const teams = new TeamSummaryStream(plan.index, plan.scoped.map((p) => p.id), plan.settings, root);
  d.logger.info(
    { runId: run._id, week: run.week, people: plan.scoped.length, slices: slices.length, sliceSize: d.sliceSize, planMs: Math.round(performance.now() - t0), ...memoryMb(d.sender) },
    'weekly report: pass planned, delivering slice by slice',
  );
  const build = (i: number) => {
    const p = d.builder.buildSlice(plan, slices[i]!, run.asOf, peers);
    p.catch(() => undefined); // awaited below; this only keeps an abandoned prefetch from being "unhandled"
    return p;
  };
  let next = slices.length > 0 ? build(0) : undefined;
  let sliced = 0;
  for (let i = 0; i < slices.length && !signal.aborted; i++) {
    const { reports, ms } = await next!;
    // The next slice loads while this one's cards go out (sending is paced; loading is the database's).
    next = i + 1 < slices.length ? build(i + 1) : undefined;
    // Every report feeds the team sums (in order); the summaries it completes go out with this slice's cards.
    const items = itemsFor(run.scope, { teams: reports.flatMap((r) => teams.add(teamSourceOf(r))), reports });
    counts.recipients += items.length;
    d.logger.info({ runId: run._id, slice: i + 1, of: slices.length, people: reports.length, cards: items.length, loadMs: Math.round(ms.load), computeMs: Math.round(ms.compute), ...memoryMb(d.sender) }, 'weekly report: slice built');
    await deliver(items);
    sliced++;
  }
  return { counts, complete: sliced === slices.length && done() === counts.recipients };
}

/**
 * Process memory in MB, logged per slice (the bench follows it): RSS split into anonymous and file-backed
 * pages (Linux), the main thread's JS heap, its external and ArrayBuffer memory, and the render workers'
 * own heaps — a worker's isolate is part of the RSS but not of the main thread's heap figures.
 */
export function memoryMb(sender?: Pick<ReportSender, 'poolStats'>): Record<string, number> {
  const m = process.memoryUsage();
  const mb = (b: number) => Math.round(b / 1_048_576);
  const out: Record<string, number> = { rssMb: mb(m.rss), heapUsedMb: mb(m.heapUsed), heapTotalMb: mb(m.heapTotal), externalMb: mb(m.external), arrayBuffersMb: mb(m.arrayBuffers) };
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    for (const key of ['RssAnon', 'RssFile'] as const) {
      const kb = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1];
      if (kb) out[`${key[3]!.toLowerCase()}${key.slice(4)}Mb`] = Math.round(Number(kb) / 1024);
    }
  } catch {
    // not Linux: the split is left out
  }
  const heap = sender?.poolStats().heap;
  if (heap) Object.assign(out, { workerHeapUsedMb: mb(heap.used), workerHeapTotalMb: mb(heap.total), workerExternalMb: mb(heap.external) });
  return out;
}
