// One inotify watch per directory, however many namespaces in it are watched: a node agent
// follows hundreds of namespaces under /run/netns, and Deno gives each fs.watch a thread.

import { type FSWatcher, watch } from "node:fs";

interface WatchedDirectory {
  watcher: FSWatcher;
  changed: Set<() => void>;
}

const directories = new Map<string, WatchedDirectory>();

/**
 * Calls `changed` after each create, delete or rename in `directory` (and once if watching
 * it fails, after which that subscriber hears nothing more); returns the unsubscribe
 * function. Throws if the directory cannot be watched (it does not exist).
 */
export function onDirectoryChange(directory: string, changed: () => void): () => void {
  let entry = directories.get(directory);
  if (!entry) {
    const watcher = watch(directory, { persistent: false }, () => notify(directory));
    entry = { watcher, changed: new Set() };
    directories.set(directory, entry);
    const failing = entry;
    watcher.on("error", () => {
      if (directories.get(directory) === failing) directories.delete(directory);
      failing.watcher.close();
      for (const callback of [...failing.changed]) callback();
      failing.changed.clear();
    });
  }
  const subscribed = entry;
  subscribed.changed.add(changed);
  return () => {
    if (!subscribed.changed.delete(changed) || subscribed.changed.size > 0) return;
    subscribed.watcher.close();
    if (directories.get(directory) === subscribed) directories.delete(directory);
  };
}

function notify(directory: string): void {
  for (const callback of [...(directories.get(directory)?.changed ?? [])]) callback();
}
