// A Unix socket file left behind by a server that was killed blocks the next one with
// EADDRINUSE. It is stale when connecting to it is refused (nobody accepts there): then it
// is removed. A socket someone still answers on, or a file that is not a socket, stays.

import { lstatSync, unlinkSync } from "node:fs";
import { connect } from "node:net";

/** Removes `path` if it is a socket nobody listens on; true when it did. */
export async function removeStaleSocket(path: string): Promise<boolean> {
  try {
    if (!lstatSync(path).isSocket()) return false;
  } catch {
    return false;
  }
  const refused = await new Promise<boolean>((resolve) => {
    const probe = connect(path);
    probe.once("connect", () => {
      probe.destroy();
      resolve(false);
    });
    probe.once("error", (error: NodeJS.ErrnoException) => resolve(error.code === "ECONNREFUSED"));
  });
  if (refused) unlinkSync(path);
  return refused;
}
