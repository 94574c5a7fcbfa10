/**
 * Iterates `source` (a database cursor), giving the event loop a turn every `budgetMs` of synchronous work.
 *
 * Why: `for await` over a cursor's buffered batch resumes on microtasks only, so a whole batch — 5,000
 * documents, or every row of an aggregation on mongo-java-server, which ignores batchSize — is read and
 * folded in one uninterrupted task. While the Friday pass or a prediction read runs, that task held stream
 * acks and chat replies for hundreds of milliseconds (docs/performance.md, "Responsive during the fan-out").
 * A setImmediate turn lets socket I/O and timers run between chunks; breaking out of the loop still closes
 * the cursor (the generator's return reaches the inner `for await`).
 */
export async function* yielding<T>(source: AsyncIterable<T>, budgetMs = 8): AsyncGenerator<T, void, undefined> {
  let since = performance.now();
  for await (const item of source) {
    yield item;
    // Checked after the caller has handled the item: its work counts too.
    if (performance.now() - since >= budgetMs) {
      await new Promise<void>((r) => setImmediate(r));
      since = performance.now();
    }
  }
}
