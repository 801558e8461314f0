// Deno: one poll(2) over every watched descriptor, declared non-blocking so it waits on a
// thread of Deno's own and resolves a promise: however many namespaces are watched, one
// thread waits for all of them. An eventfd in the set wakes it when the set changes.

import type { ReadinessCallbacks, WatchReadable } from "./readiness.ts";

// The slice of Deno's FFI API used here, typed locally so this file compiles under tsc.
interface DenoFfi {
  dlopen(path: string, symbols: Record<string, { parameters: string[]; result: string; nonblocking?: boolean }>): {
    symbols: Record<string, (...args: unknown[]) => unknown>;
  };
}

const SYMBOLS = {
  poll: { parameters: ["buffer", "u64", "i32"], result: "i32", nonblocking: true },
  eventfd: { parameters: ["u32", "i32"], result: "i32" },
  read: { parameters: ["i32", "buffer", "usize"], result: "isize" },
  write: { parameters: ["i32", "buffer", "usize"], result: "isize" },
  close: { parameters: ["i32"], result: "i32" },
};

const POLLIN = 0x1;
const POLLERR = 0x8;
const POLLNVAL = 0x20;
const POLLFD_SIZE = 8;
const EFD_CLOEXEC = 0o2000000;
const EFD_NONBLOCK = 0o4000;
/** poll(2) fails on a valid set only with EINTR (retried) or ENOMEM; a run of failures is the latter. */
const MAX_CONSECUTIVE_POLL_FAILURES = 100;

const deno = (globalThis as unknown as { Deno: DenoFfi }).Deno;
const libc = deno.dlopen("libc.so.6", SYMBOLS).symbols;

const watched = new Map<number, ReadinessCallbacks>();
/** The eventfd that interrupts the poll; -1 while no poll loop runs. */
let wake = -1;
const counter = new Uint8Array(8);

export const watchReadable: WatchReadable = (fd, callbacks) => {
  watched.set(fd, callbacks);
  if (wake < 0) startLoop();
  else interrupt();
  let stopped = false;
  return () => {
    if (stopped) return;
    stopped = true;
    if (watched.get(fd) === callbacks) watched.delete(fd);
    interrupt();
  };
};

/** Makes the pending poll return, so the loop polls the changed set (or ends). */
function interrupt(): void {
  counter.fill(0);
  counter[0] = 1;
  libc.write(wake, counter, 8n);
}

function startLoop(): void {
  wake = Number(libc.eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (wake < 0) throw new Error("eventfd() failed: cannot create the descriptor that wakes Deno's poll");
  void pollWhileWatched();
}

async function pollWhileWatched(): Promise<void> {
  let failures = 0;
  try {
    while (watched.size > 0) {
      const fds = [...watched.keys()];
      const pollSet = new Uint8Array((fds.length + 1) * POLLFD_SIZE);
      const view = new DataView(pollSet.buffer);
      [wake, ...fds].forEach((fd, index) => {
        view.setInt32(index * POLLFD_SIZE, fd, true);
        view.setInt16(index * POLLFD_SIZE + 4, POLLIN, true);
      });
      const ready = Number(await libc.poll(pollSet, BigInt(fds.length + 1), -1));
      if (ready < 0) {
        // errno belongs to the thread poll ran on, which is not this one.
        if (++failures === MAX_CONSECUTIVE_POLL_FAILURES) throw new Error(`poll on ${fds.length} descriptors failed ${failures} times in a row`);
        continue;
      }
      failures = 0;
      if (view.getInt16(6, true) & POLLIN) libc.read(wake, counter, 8n);
      fds.forEach((fd, index) => dispatch(fd, view.getInt16((index + 1) * POLLFD_SIZE + 6, true)));
    }
  } catch (error) {
    const failure = error instanceof Error ? error : new Error(String(error));
    const everyone = [...watched.values()];
    watched.clear();
    for (const callbacks of everyone) callbacks.failed(failure);
  } finally {
    libc.close(wake);
    wake = -1;
  }
}

/** Only descriptors still watched: one stopped while the poll ran may be closed already. */
function dispatch(fd: number, events: number): void {
  const callbacks = watched.get(fd);
  if (!callbacks || events === 0) return;
  if (events & POLLNVAL) {
    watched.delete(fd);
    callbacks.failed(new Error(`poll: descriptor ${fd} is not open`));
  } else if (events & (POLLIN | POLLERR)) {
    callbacks.readable();
  }
}
