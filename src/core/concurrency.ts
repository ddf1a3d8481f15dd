// Promise helpers for bursts of concurrent work in one process (no I/O of their own).

/**
 * Callers that each need "a run of `task` begun after I asked" share runs: whoever asks while one runs waits for
 * the single next run (nobody gets a result older than their call). A burst of n callers costs at most two runs
 * instead of n in a row. Runs never overlap.
 */
export function coalesced<T>(task: () => Promise<T>): () => Promise<T> {
  let tail: { run: Promise<T>; started: boolean } | undefined;
  return () => {
    if (tail && !tail.started) return tail.run;
    const previous = tail ? tail.run.then(() => undefined, () => undefined) : Promise.resolve();
    const entry: { run?: Promise<T>; started: boolean } = { started: false };
    entry.run = previous.then(() => {
      entry.started = true;
      return task();
    });
    tail = entry as { run: Promise<T>; started: boolean };
    return entry.run;
  };
}

/** Runs at most `limit` tasks at once, the others in call order as places free up. */
export function limited(limit: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: Array<() => void> = [];
  return async (task) => {
    if (active >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    else active++;
    try {
      return await task();
    } finally {
      const nextInLine = waiting.shift();
      if (nextInLine) nextInLine(); // the place passes straight on: `active` stays
      else active--;
    }
  };
}
