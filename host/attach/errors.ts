// What a failed attach or detach says: the step, the link it acted on, and the kernel's
// own words, so "tap0_kata: File exists" reads as the name being taken, not as a mystery.

import { Errno } from "../netlink/errno.ts";
import { NetlinkError } from "../netlink/socket.ts";
import { SysError } from "../netlink/sys.ts";

const EEXIST = 17;
const ENODEV = 19;
const EADDRNOTAVAIL = 99;

/** Failures caused by what the namespace or the machine holds (a taken name, a missing
 * device) or by who runs katanet (no root), which the user can fix: bad input, exit 2.
 * Anything else is unexpected. */
const CAUSED_BY_INPUT = new Set<number>([EEXIST, Errno.ENOENT, ENODEV, Errno.EPERM, Errno.EACCES]);

export class AttachError extends Error {
  override name = "AttachError";
  constructor(
    readonly step: string,
    readonly link: string,
    readonly kernelMessage: string,
    readonly errno: number | null,
    /** Undo steps that failed while rolling back, each with its error. */
    readonly rollbackFailures: string[] = [],
  ) {
    const leftovers = rollbackFailures.length ? `; rolling back also failed: ${rollbackFailures.join("; ")}` : "";
    super(`step "${step}" on ${link} failed: ${kernelMessage}${leftovers}`);
  }

  get causedByInput(): boolean {
    return this.errno !== null && CAUSED_BY_INPUT.has(this.errno);
  }
}

/** Wraps a failure of `step` on `link` as an AttachError (kept as is when it already is one). */
export function stepFailure(step: string, link: string, error: unknown): AttachError {
  if (error instanceof AttachError) return error;
  return new AttachError(step, link, kernelText(error), errnoOf(error));
}

function kernelText(error: unknown): string {
  if (error instanceof NetlinkError) return `${error.code} (${error.description})${error.extAck ? `: ${error.extAck}` : ""}`;
  return error instanceof Error ? error.message : String(error);
}

export function errnoOf(error: unknown): number | null {
  return error instanceof NetlinkError || error instanceof SysError ? error.errno : null;
}

/** A delete that found nothing to delete: the state is already what it should become. */
export function isAlreadyGone(error: unknown): boolean {
  const errno = errnoOf(error);
  return errno === Errno.ENOENT || errno === ENODEV || errno === Errno.EINVAL || errno === EADDRNOTAVAIL;
}

export function isAlreadyThere(error: unknown): boolean {
  return errnoOf(error) === EEXIST;
}
