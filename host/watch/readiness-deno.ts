// Deno: poll(2) declared non-blocking, so it waits on a thread of Deno's own and resolves
// a promise; an eventfd in the same poll set wakes it when the watch stops.

import type { WatchReadable } from "./readiness.ts";

// The slice of Deno's FFI API used here, typed locally so this file compiles under tsc.
interface DenoFfi {
  dlopen(path: string, symbols: Record<string, { parameters: string[]; result: string; nonblocking?: boolean }>): {
    symbols: Record<string, (...args: unknown[]) => unknown>;
  };
}

const SYMBOLS = {
  poll: { parameters: ["buffer", "u64", "i32"], result: "i32", nonblocking: true },
  eventfd: { parameters: ["u32", "i32"], result: "i32" },
  write: { parameters: ["i32", "buffer", "usize"], result: "isize" },
  close: { parameters: ["i32"], result: "i32" },
};

const POLLIN = 0x1;
const POLLERR = 0x8;
const POLLNVAL = 0x20;
const POLLFD_SIZE = 8;
const EFD_CLOEXEC = 0o2000000;
/** poll(2) fails on a valid set only with EINTR (retried) or ENOMEM; a run of failures is the latter. */
const MAX_CONSECUTIVE_POLL_FAILURES = 100;

const deno = (globalThis as unknown as { Deno: DenoFfi }).Deno;
const libc = deno.dlopen("libc.so.6", SYMBOLS).symbols;

export const watchReadable: WatchReadable = (fd, callbacks) => {
  const wake = Number(libc.eventfd(0, EFD_CLOEXEC));
  if (wake < 0) throw new Error("eventfd() failed: cannot create the descriptor that stops a Deno watch");
  const pollSet = new Uint8Array(2 * POLLFD_SIZE);
  const view = new DataView(pollSet.buffer);
  view.setInt32(0, fd, true);
  view.setInt16(4, POLLIN, true);
  view.setInt32(POLLFD_SIZE, wake, true);
  view.setInt16(POLLFD_SIZE + 4, POLLIN, true);
  let stopped = false;

  const loop = async () => {
    let failures = 0;
    try {
      while (!stopped) {
        const ready = Number(await libc.poll(pollSet, 2n, -1));
        if (stopped) return;
        if (ready < 0) {
          // errno belongs to the thread poll ran on, which is not this one.
          if (++failures === MAX_CONSECUTIVE_POLL_FAILURES) throw new Error(`poll on descriptor ${fd} failed ${failures} times in a row`);
          continue;
        }
        failures = 0;
        const events = view.getInt16(6, true);
        if (events & POLLNVAL) throw new Error(`poll: descriptor ${fd} is not open`);
        if (events & (POLLIN | POLLERR)) callbacks.readable();
      }
    } catch (error) {
      callbacks.failed(error instanceof Error ? error : new Error(String(error)));
    } finally {
      libc.close(wake);
    }
  };
  void loop();

  return () => {
    if (stopped) return;
    stopped = true;
    const one = new Uint8Array(8);
    one[0] = 1;
    libc.write(wake, one, 8n);
  };
};
