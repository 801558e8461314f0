// Whether a namespace still exists under the name it was given. A process that holds a
// namespace open (a netlink socket in it) keeps it alive after `ip netns del`, so its
// own sockets never notice; the name does: the bind mount goes (or, for a PID, the
// process), or another namespace takes the name. Checked by polling, once a second.

import { statSync } from "node:fs";
import { clearInterval, setInterval } from "node:timers";
import { NamespaceError, resolveNamespace } from "../netlink/netns.ts";

/** The namespace a command was given is gone: what it would show or write is an orphan's.
 * A NamespaceError (bad input, exit 2) whose problem is "not-found". */
export class NamespaceGoneError extends NamespaceError {
  constructor(spec: string, detail = "it was deleted") {
    super("not-found", spec, resolveNamespace(spec).path, `network namespace ${spec} no longer exists (${detail})`);
  }
}

const POLL_MS = 1000;

/** The namespace `spec` (NAME, PATH or PID) names now, as device and inode; undefined when nothing does. */
function identity(spec: string): string | undefined {
  try {
    const stat = statSync(resolveNamespace(spec).path, { bigint: true });
    return `${stat.dev}:${stat.ino}`;
  } catch {
    return undefined;
  }
}

export class NamespacePresence {
  private readonly original: string | undefined;

  /** `spec` undefined means the process's own namespace, which lives as long as it does. */
  constructor(readonly spec: string | undefined) {
    this.original = spec === undefined ? undefined : identity(spec);
  }

  /** Throws NamespaceGoneError unless `spec` still names the namespace it named at construction. */
  check(): void {
    if (this.spec === undefined) return;
    const now = identity(this.spec);
    if (now === this.original) return;
    throw new NamespaceGoneError(this.spec, now === undefined ? "it was deleted" : "its name now belongs to another namespace");
  }

  /** Calls `gone` once, with the error, when the namespace goes; returns the stop function. */
  watch(gone: (error: NamespaceGoneError) => void): () => void {
    if (this.spec === undefined) return () => {};
    const timer = setInterval(() => {
      try {
        this.check();
      } catch (error) {
        clearInterval(timer);
        gone(error as NamespaceGoneError);
      }
    }, POLL_MS);
    timer.unref();
    return () => clearInterval(timer);
  }
}
