// One attach or detach at a time per namespace: two at once would both find no record,
// both start, and the loser's rollback would erase the winner's record. The lock is a file
// created exclusively next to the record, holding the owner's pid; a lock whose owner is
// dead (killed mid-attach) is taken over.
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import process from "node:process";
import { AttachError } from "./errors.ts";
import { asNeedsRoot, ensureStateDirectory, STATE_DIRECTORY, type NamespaceIdentity } from "./state.ts";

const EBUSY = 16;

export function withNamespaceLock<T>(namespace: NamespaceIdentity, run: () => T): T {
  const path = `${STATE_DIRECTORY}/${namespace.inode}.lock`;
  acquire(path);
  try {
    return run();
  } finally {
    rmSync(path, { force: true });
  }
}

function acquire(path: string): void {
  ensureStateDirectory();
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, String(process.pid), { flag: "wx", mode: 0o600 });
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== "EEXIST") throw asNeedsRoot(error, "lock the namespace", path);
    }
    const owner = Number(readOwner(path));
    if (isAlive(owner) && owner !== process.pid) {
      throw new AttachError("lock the namespace", path, `EBUSY: katanet process ${owner} is attaching or detaching this namespace`, EBUSY);
    }
    rmSync(path, { force: true });
  }
  throw new AttachError("lock the namespace", path, "EBUSY: another process keeps taking the lock", EBUSY);
}

function readOwner(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}

/** Signal 0 checks that the process exists; EPERM means it exists under another user. */
function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === "EPERM";
  }
}
