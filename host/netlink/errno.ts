// errno numbers and names as the runtime has them (Node and Deno both give
// os.constants.errno, with Linux's numbers here), so errors say "ENOENT" without a table
// of our own.
import { constants } from "node:os";

export const Errno = constants.errno;

let names: Map<number, string> | undefined;

/** "ENOENT" for 2, "ENOTSUP" for 95 (as Node names it); "errno 999" for numbers the runtime does not name. */
export function errnoName(errno: number): string {
  names ??= firstNames();
  return names.get(errno) ?? `errno ${errno}`;
}

/** Where two names share a number (EAGAIN/EWOULDBLOCK, ENOTSUP/EOPNOTSUPP), the first listed. */
function firstNames(): Map<number, string> {
  const byNumber = new Map<number, string>();
  for (const [name, errno] of Object.entries(Errno)) if (!byNumber.has(errno)) byNumber.set(errno, name);
  return byNumber;
}
