// Links a conversion left out: the ones Kata never considers (loopback, no address, a
// second name for a link already added) and the ones Kata would reject, which --keep-going
// leaves out and which must always be shown to the user.
import type { SkippedLink } from "../core-types.ts";

const NEVER_CONSIDERED = new Set(["no-addresses", "loopback", "already-added"]);

/** True when Kata would have failed on this link; its reason is Kata's error text. */
export function isRejected(link: SkippedLink): boolean {
  return !NEVER_CONSIDERED.has(link.reason);
}
