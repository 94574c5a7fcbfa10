import type { ReportRun, ReportRunRepository, ReportScope, RunCounts } from '../../adapters/mongo/report-run-repository.js';
import type { Logger } from '../../logger.js';
import type { BuiltReports, ReportBuilder } from './report-builder.js';
import type { DeliveryItem, DeliveryOutcome, ReportSender } from './report-sender.js';

/** The cards a run of this scope delivers: managers' summaries first (fewer, and they act on them), then reps. */
export function itemsFor(scope: ReportScope, built: BuiltReports): DeliveryItem[] {
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
}

export interface PassResult {
  counts: RunCounts;
  built: BuiltReports;
  /** False when the pass stopped early (shutdown, lease lost): the counts then cover only part of the run. */
  complete: boolean;
}

/**
 * One pass over a run: compute every report in bulk (with the run's stored peer figures after the first
 * pass), then deliver each card through the ledger. Already-sent cards are skipped by the ledger, so a pass
 * after a crash or a failure only sends what is missing.
 */
export async function executePass(run: ReportRun, d: PassDeps, signal: AbortSignal): Promise<PassResult | undefined> {
  const quarter = await d.builder.quarter(run.quarterId);
  if (!quarter) {
    d.logger.error({ runId: run._id, quarterId: run.quarterId }, 'weekly report: the run\'s quarter no longer exists');
    return undefined;
  }
  const personIds = run.scope.kind === 'person' ? [run.scope.id] : undefined;
  const built = await d.builder.build(quarter, run.asOf, { peers: run.peers, ...(personIds ? { personIds } : {}) });
  if (!run.peers) await d.runs.setPeers(run._id, built.peers);
  const items = itemsFor(run.scope, built);
  d.logger.info(
    { runId: run._id, week: run.week, people: built.reports.length, recipients: items.length, loadMs: Math.round(built.ms.load), computeMs: Math.round(built.ms.compute), ...memoryMb() },
    'weekly report: reports computed, delivering',
  );
  const counts: RunCounts = { recipients: items.length, sent: 0, alreadySent: 0, inFlight: 0, failed: 0 };
  const tally: Record<DeliveryOutcome, keyof RunCounts> = { sent: 'sent', 'already-sent': 'alreadySent', 'in-flight': 'inFlight', failed: 'failed' };
  await forEachBounded(items, d.concurrency, signal, async (item) => {
    counts[tally[await d.sender.deliver(item, run.week, run._id)]]++;
  });
  const done = counts.sent + counts.alreadySent + counts.inFlight + counts.failed;
  return { counts, built, complete: done === items.length };
}

/** Process memory when the reports are built (the pass's high point before fan-out), in MB. */
function memoryMb(): { rssMb: number; heapUsedMb: number } {
  const m = process.memoryUsage();
  return { rssMb: Math.round(m.rss / 1_048_576), heapUsedMb: Math.round(m.heapUsed / 1_048_576) };
}
