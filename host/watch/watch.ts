// The library's `watch()`: a namespace's changes as an async iterator of envelopes,
// starting with a snapshot of the whole state.

import type { Envelope } from "./envelope.ts";
import { NamespaceWatcher, type WatchOptions } from "./watcher.ts";

export interface Watch extends AsyncIterableIterator<Envelope> {
  /** Ends the iteration (pending `next()` calls resolve as done) and closes the socket. */
  stop(): void;
}

const MAX_QUEUED = 1024;

/** Starts watching at once; throws synchronously when the namespace cannot be read. */
export function watch(options: WatchOptions = {}): Watch {
  const watcher = new NamespaceWatcher(options);
  const queued: Envelope[] = [watcher.snapshot()];
  const waiting: Array<{ resolve(result: IteratorResult<Envelope>): void; reject(error: Error): void }> = [];
  let failure: Error | undefined;
  let done = false;

  /** Ends the stream; a failure goes to whoever waits for it, else to the next `next()`. */
  const finish = (error?: Error) => {
    done = true;
    watcher.stop();
    const waiters = waiting.splice(0);
    if (error && waiters.length === 0) failure = error;
    for (const waiter of waiters) {
      if (error) waiter.reject(error);
      else waiter.resolve({ value: undefined, done: true });
    }
  };

  watcher.subscribe({
    envelope(envelope) {
      const waiter = waiting.shift();
      if (waiter) waiter.resolve({ value: envelope, done: false });
      else if (queued.length < MAX_QUEUED) queued.push(envelope);
      // A consumer this far behind gets the whole state once instead of an ever longer
      // backlog: nothing is lost, and memory stays bounded.
      else queued.splice(0, queued.length, { ...watcher.snapshot(), kind: "resync" });
    },
    failed: (error) => finish(error),
  });

  const iterator: Watch = {
    next() {
      const envelope = queued.shift();
      if (envelope) return Promise.resolve({ value: envelope, done: false });
      if (failure) {
        const error = failure;
        failure = undefined;
        return Promise.reject(error);
      }
      if (done) return Promise.resolve({ value: undefined, done: true });
      return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
    },
    return() {
      finish();
      return Promise.resolve({ value: undefined, done: true });
    },
    stop: () => finish(),
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
