// Whether a namespace still exists under the name it was given. A process that holds a
// namespace open (a netlink socket in it) keeps it alive after `ip netns del`, so its
// own sockets never notice; the name does: the bind mount's file goes (or, for a PID,
// the process), or another namespace takes the name. Told by events, never polled: a
// NAME's or PATH's directory is watched for the file's removal, a PID through a pidfd
// that turns readable when the process exits. Unmounting a namespace file without
// removing it raises no event: that is noticed at the directory's next change.

import { statSync } from "node:fs";
import { dirname } from "node:path";
import { NamespaceError, resolveNamespace } from "../netlink/netns.ts";
import { sys } from "../netlink/sys.ts";
import { onDirectoryChange } from "./directory-events.ts";
import { watchReadable } from "./readiness.ts";

/** The namespace a command was given is gone: what it would show or write is an orphan's.
 * A NamespaceError (bad input, exit 2) whose problem is "not-found". */
export class NamespaceGoneError extends NamespaceError {
  constructor(
    spec: string,
    /** Its file was removed, its process exited, or its name now names another namespace. */
    readonly how: "deleted" | "exited" | "replaced" = "deleted",
  ) {
    super("not-found", spec, resolveNamespace(spec).path, `network namespace ${spec} no longer exists (${goneDetail(spec, how)})`);
  }
}

function goneDetail(spec: string, how: NamespaceGoneError["how"]): string {
  if (how === "exited") return `process ${spec} exited`;
  return how === "replaced" ? "its name now belongs to another namespace" : "it was deleted";
}

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
    if (now !== undefined) throw new NamespaceGoneError(this.spec, "replaced");
    throw new NamespaceGoneError(this.spec, resolveNamespace(this.spec).kind === "pid" ? "exited" : "deleted");
  }

  /** Calls `gone` once, with the error, when the namespace goes (never from within this
   * call); returns the stop function. */
  watch(gone: (error: NamespaceGoneError) => void): () => void {
    if (this.spec === undefined) return () => {};
    let stopped = false;
    let stopSource = () => {};
    const stop = () => {
      if (stopped) return;
      stopped = true;
      stopSource();
    };
    const report = (error: NamespaceGoneError) => {
      if (stopped) return;
      stop();
      gone(error);
    };
    const checkNow = () => {
      try {
        this.check();
      } catch (error) {
        report(error as NamespaceGoneError);
      }
    };
    const target = resolveNamespace(this.spec);
    try {
      stopSource = target.kind === "pid" ? this.untilExit(Number(target.spec), report) : onDirectoryChange(dirname(target.path), checkNow);
    } catch (error) {
      // No process or no directory any more: the check below reports it gone.
      if (!alreadyGone(error)) throw error;
    }
    // The namespace may have gone between its opening and the watch's start.
    queueMicrotask(checkNow);
    return stop;
  }

  /** Reports the process's exit, read from a pidfd as the netlink sockets are read. */
  private untilExit(pid: number, report: (error: NamespaceGoneError) => void): () => void {
    const pidfd = sys.pidfdOpen(pid);
    const exited = () => report(new NamespaceGoneError(this.spec!, "exited"));
    const stopReading = watchReadable(pidfd, { readable: exited, failed: exited });
    return () => {
      stopReading();
      sys.close(pidfd);
    };
  }
}

/** pidfd_open's ESRCH (SysError) or fs.watch's ENOENT: both errors carry the name as `code`. */
function alreadyGone(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return code === "ESRCH" || code === "ENOENT";
}
