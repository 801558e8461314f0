// Child processes in tests: stopping one as a user would.
import type { ChildProcess } from "node:child_process";

const EXIT_GRACE_MS = 5000;

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Sends `signal` (as a user would), then waits for `exited`; SIGKILL if it takes over 5 s.
 * The signal goes through process.kill, not child.kill: Deno's child.kill records the
 * signal as the cause of exit even when the child catches it and exits 0. */
export async function stopChild(child: ChildProcess, exited: Promise<Exit>, signal: "SIGINT" | "SIGTERM"): Promise<Exit> {
  if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, signal);
  const timer = setTimeout(() => child.kill("SIGKILL"), EXIT_GRACE_MS);
  try {
    return await exited;
  } finally {
    clearTimeout(timer);
  }
}
