// The named namespaces of the node: the files under /run/netns, followed through inotify
// (node:fs watch, which Deno implements too). `ip netns add` creates the file and then
// bind-mounts the namespace over it; the mount itself raises no inotify event, so the
// file is announced before it is a namespace yet, and the registry retries it briefly.
// `ip netns del` unmounts and unlinks: the unlink is reported.

import { type FSWatcher, mkdirSync, readdirSync, statSync, watch } from "node:fs";

export const NAMED_NAMESPACE_DIRECTORY = "/run/netns";

export class NamespaceDirectory {
  private readonly watcher: FSWatcher;

  /** `changed` runs on every create, delete or rename in the directory; `failed` if
   * watching it stops working. Creates the directory (as `ip netns add` would) if absent. */
  constructor(changed: () => void, failed: (error: Error) => void, readonly path = NAMED_NAMESPACE_DIRECTORY) {
    mkdirSync(path, { recursive: true, mode: 0o755 });
    this.watcher = watch(path, { persistent: false }, () => changed());
    this.watcher.on("error", failed);
  }

  /** Each file's name and identity (device:inode; a name deleted and reused gets another). */
  entries(): Map<string, string> {
    const entries = new Map<string, string>();
    for (const name of readdirSync(this.path)) {
      const identity = identityOf(`${this.path}/${name}`);
      if (identity !== undefined) entries.set(name, identity);
    }
    return entries;
  }

  close(): void {
    this.watcher.close();
  }
}

/** undefined when the file is gone already or is not a plain file (a namespace file is one). */
export function identityOf(path: string): string | undefined {
  try {
    const stats = statSync(path);
    return stats.isFile() ? `${stats.dev}:${stats.ino}` : undefined;
  } catch {
    return undefined;
  }
}
