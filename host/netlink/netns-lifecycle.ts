// Creating and deleting a named network namespace the way `ip netns add|del` does, with
// syscalls instead of a child process. A namespace lives as long as something refers to
// it; a name is a bind mount of the namespace file on /var/run/netns/NAME. unshare() and
// setns() move only the calling thread (CLONE_NEWNET is allowed in a threaded process), so
// creation is one synchronous window like `inNamespace`: unshare into a new namespace,
// bind-mount it, setns back home. No await happens inside, so no other JavaScript runs in
// the new namespace, and libuv's and V8's threads never leave theirs.

import { closeSync, mkdirSync, openSync, rmSync } from "node:fs";
import { dirname } from "node:path";
import { Errno } from "./errno.ts";
import { NamespaceError, resolveNamespace } from "./netns.ts";
import { sys, SysError } from "./sys.ts";

const CLONE_NEWNET = 0x40000000;
const MS_BIND = 0x1000;
const MS_REC = 0x4000;
const MS_SHARED = 1 << 20;
const MNT_DETACH = 2;
const THREAD_NAMESPACE = "/proc/thread-self/ns/net";

/** Creates namespace NAME, as `ip netns add NAME`; returns its path. Fails if the name is taken. */
export function createNamedNamespace(name: string): string {
  const { path, kind } = resolveNamespace(name);
  if (kind !== "name") throw new NamespaceError("not-found", name, path, `"${name}" is not a namespace name (no slashes, not a PID)`);
  makeDirectoryShared(dirname(path));
  createMountPoint(name, path);
  try {
    bindNewNamespace(name, path);
  } catch (error) {
    rmSync(path, { force: true });
    throw error;
  }
  return path;
}

/** Deletes the name at `path` (as `ip netns del`): the namespace goes once nothing else holds it. */
export function deleteNamedNamespace(path: string): void {
  try {
    sys.umount2(path, MNT_DETACH);
  } catch (error) {
    // Not mounted (EINVAL) or gone (ENOENT): a half-created or already deleted name.
    if (!(error instanceof SysError && (error.errno === Errno.EINVAL || error.errno === Errno.ENOENT))) throw error;
  }
  rmSync(path, { force: true });
}

/**
 * Mounts made under the directory later must propagate to other mount namespaces (a
 * container runtime's), so it is made a shared mount, after first bind-mounting it on
 * itself when it is not a mount point yet (EINVAL) — what iproute2 does.
 */
function makeDirectoryShared(directory: string): void {
  mkdirSync(directory, { recursive: true, mode: 0o755 });
  try {
    sys.mount(null, directory, "none", MS_SHARED | MS_REC);
  } catch (error) {
    if (!(error instanceof SysError && error.errno === Errno.EINVAL)) throw error;
    sys.mount(directory, directory, "none", MS_BIND | MS_REC);
    sys.mount(null, directory, "none", MS_SHARED | MS_REC);
  }
}

/** The empty file the namespace is bind-mounted on; exclusive, so a taken name fails here. */
function createMountPoint(name: string, path: string): void {
  try {
    closeSync(openSync(path, "wx", 0));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") {
      throw new NamespaceError("kernel", name, path, `network namespace "${name}" already exists (${path})`);
    }
    throw error;
  }
}

function bindNewNamespace(name: string, path: string): void {
  const home = sys.openReadOnly(THREAD_NAMESPACE);
  try {
    sys.unshare(CLONE_NEWNET);
    try {
      sys.mount(THREAD_NAMESPACE, path, "none", MS_BIND);
    } finally {
      returnHome(home, name, path);
    }
  } finally {
    sys.close(home);
  }
}

function returnHome(home: number, name: string, path: string): void {
  try {
    sys.setns(home, CLONE_NEWNET);
  } catch (error) {
    throw new NamespaceError(
      "restore-failed",
      name,
      path,
      `could not return to the original network namespace after creating ${path}; this thread is stranded: ${String(error)}`,
      error instanceof SysError ? error : undefined,
    );
  }
}
