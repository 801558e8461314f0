// The errors a conversion ends in: the input's fault, Kata's verdict, or katanet's own bug.
// Apart from the core's owner so that a command reports them without loading the core.
import { EXIT_BAD_INPUT, EXIT_KATA_ERROR } from "./exit-codes.ts";

/** The input was not what it claimed to be (truncated message, lying length, ...). */
export class MalformedInputError extends Error {
  override name = "MalformedInputError";
  readonly exitCode = EXIT_BAD_INPUT;
  /** `place` names where `offset` is for the user (a capture's message); by default the input byte. */
  constructor(readonly detail: string, readonly offset: number, place = `byte ${offset} of the input`) {
    super(offset >= 0 ? `${detail} (at ${place})` : detail);
  }
}

/** Kata itself would fail here; `message` is the Go runtime's error text, exactly. */
export class KataError extends Error {
  override name = "KataError";
  readonly exitCode = EXIT_KATA_ERROR;
  constructor(message: string, readonly interfaceName: string | null) {
    super(message);
  }
}

/** The host used the core wrongly: a bug in katanet, never the user's input. */
export class CoreUsageError extends Error {
  override name = "CoreUsageError";
}

/**
 * The core trapped or aborted: a bug in katanet. The instance is replaced by a fresh one,
 * so the owner stays usable; the input of that call is gone.
 */
export class CoreCrashError extends Error {
  override name = "CoreCrashError";
}
