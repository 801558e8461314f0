// Entering a network namespace just long enough to open sockets in it. setns() moves only
// the calling thread, and a socket stays in the namespace it was created in, so the whole
// visit is one synchronous window: enter, run the callback, return. No await can happen
// inside, so no other JavaScript ever runs in the foreign namespace.

import { resolve } from "node:path";
import { Errno } from "./errno.ts";
import { sys, SysError } from "./sys.ts";
import { EXIT_BAD_INPUT } from "../exit-codes.ts";

const CLONE_NEWNET = 0x40000000;
const THREAD_NAMESPACE = "/proc/thread-self/ns/net";
const NAMED_NAMESPACE_DIRECTORY = "/var/run/netns";

export type NamespaceProblem = "not-found" | "not-a-namespace" | "permission-denied" | "restore-failed" | "kernel";

export class NamespaceError extends Error {
  readonly exitCode = EXIT_BAD_INPUT;
  constructor(
    readonly problem: NamespaceProblem,
    readonly spec: string,
    readonly path: string,
    message: string,
    readonly cause?: SysError,
  ) {
    super(message);
    this.name = "NamespaceError";
  }
}

export interface ResolvedNamespace {
  /** What the user gave: NAME, PATH or PID. */
  spec: string;
  path: string;
  /** How the path was derived, for error messages. */
  kind: "name" | "path" | "pid";
}

/** `1234` → /proc/1234/ns/net; anything with a slash is a path; otherwise a name under /var/run/netns. */
export function resolveNamespace(spec: string): ResolvedNamespace {
  if (spec === "") throw new NamespaceError("not-found", spec, "", "empty network namespace name");
  if (/^\d+$/.test(spec)) return { spec, path: `/proc/${spec}/ns/net`, kind: "pid" };
  if (spec.includes("/")) return { spec, path: resolve(spec), kind: "path" };
  if (spec === "." || spec === "..") {
    throw new NamespaceError("not-found", spec, "", `"${spec}" is not a network namespace name`);
  }
  return { spec, path: `${NAMED_NAMESPACE_DIRECTORY}/${spec}`, kind: "name" };
}

/**
 * Runs `inside` with the calling thread in namespace `spec` (NAME, PATH or PID) and moves
 * the thread back before returning or throwing. `inside` must be synchronous; what it
 * creates (sockets) keeps working in the namespace afterwards. If the thread cannot be
 * moved back, a `restore-failed` NamespaceError is thrown: the process is then unsafe.
 * When `spec` is the namespace the thread is already in, `inside` just runs: setns needs
 * CAP_SYS_ADMIN even then, and an unprivileged user may read their own namespace.
 */
export function inNamespace<T>(spec: string, inside: () => T): T {
  const target = resolveNamespace(spec);
  const fd = openNamespaceFile(target);
  try {
    const result = isCurrentNamespace(fd) ? inside() : insideOther(fd, target, inside);
    if (isPromiseLike(result)) {
      throw new TypeError("inNamespace: the callback returned a promise; it must finish synchronously");
    }
    return result;
  } finally {
    sys.close(fd);
  }
}

function insideOther<T>(fd: number, target: ResolvedNamespace, inside: () => T): T {
  const home = sys.openReadOnly(THREAD_NAMESPACE);
  try {
    enter(fd, target);
    try {
      return inside();
    } finally {
      returnHome(home, target);
    }
  } finally {
    sys.close(home);
  }
}

/** An open namespace file names its namespace as "net:[inode]", as the thread's own link does. */
function isCurrentNamespace(fd: number): boolean {
  try {
    return sys.readlink(`/proc/self/fd/${fd}`) === currentNamespaceId();
  } catch {
    return false;
  }
}

/** The calling thread's network namespace identity, as "net:[inode]". */
export function currentNamespaceId(): string {
  return sys.readlink(THREAD_NAMESPACE);
}

const originalNamespaceId = currentNamespaceId();

/** Throws unless the calling thread is in the namespace it was in when this module loaded. */
export function assertInOriginalNamespace(): void {
  const now = currentNamespaceId();
  if (now !== originalNamespaceId) {
    throw new Error(`thread is in network namespace ${now}, expected its original ${originalNamespaceId}`);
  }
}

function enter(fd: number, target: ResolvedNamespace): void {
  try {
    sys.setns(fd, CLONE_NEWNET);
  } catch (error) {
    throw explainEntryFailure(error, target, "setns");
  }
}

function openNamespaceFile(target: ResolvedNamespace): number {
  try {
    return sys.openReadOnly(target.path);
  } catch (error) {
    throw explainEntryFailure(error, target, "open");
  }
}

function returnHome(home: number, target: ResolvedNamespace): void {
  try {
    sys.setns(home, CLONE_NEWNET);
  } catch (error) {
    throw new NamespaceError(
      "restore-failed",
      target.spec,
      target.path,
      `could not return to the original network namespace after entering ${target.path}; ` +
        `this thread is stranded there: ${String(error)}`,
      error instanceof SysError ? error : undefined,
    );
  }
}

function explainEntryFailure(error: unknown, target: ResolvedNamespace, step: "open" | "setns"): unknown {
  if (!(error instanceof SysError)) return error;
  const { spec, path } = target;
  const fail = (problem: NamespaceProblem, message: string) => new NamespaceError(problem, spec, path, message, error);
  switch (error.errno) {
    case Errno.ENOENT:
      return fail("not-found", notFoundMessage(target));
    case Errno.EPERM:
    case Errno.EACCES:
      return fail("permission-denied", permissionDeniedMessage(path, `${step}: ${error.code}`, process.geteuid?.() === 0));
    case Errno.EINVAL:
      if (step === "setns") return fail("not-a-namespace", `${path} is not a network namespace file`);
  }
  return fail("kernel", `cannot enter network namespace ${path}: ${error.message}`);
}

/** Without root the cure is root; as root the namespace is guarded by something root does
 * not bypass (a process another user namespace owns, ptrace access rules, a security module). */
export function permissionDeniedMessage(path: string, failure: string, asRoot: boolean): string {
  const denied = `permission denied entering network namespace ${path} (${failure})`;
  return asRoot
    ? `${denied}, even as root: the namespace's owner (another user namespace, ptrace access rules or a security module) refuses this process`
    : `${denied}; entering another namespace needs CAP_SYS_ADMIN, run as root`;
}

function notFoundMessage(target: ResolvedNamespace): string {
  switch (target.kind) {
    case "name":
      return `no network namespace named "${target.spec}" (looked for ${target.path})`;
    case "pid":
      return `no process ${target.spec} (looked for ${target.path})`;
    case "path":
      return `no such network namespace file ${target.path}`;
  }
}

function isPromiseLike(value: unknown): boolean {
  return typeof (value as { then?: unknown } | null)?.then === "function";
}
