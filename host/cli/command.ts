// What every `katanet` subcommand is: a name, its usage, and a run function that returns
// the exit code (host/exit-codes.ts).
import { EXIT_BAD_INPUT } from "../exit-codes.ts";

export { EXIT_BAD_INPUT, EXIT_GUEST_BROKEN, EXIT_KATA_ERROR, EXIT_OK, EXIT_UNEXPECTED } from "../exit-codes.ts";

export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  /** Standard input, stopping once more than `maxBytes` have arrived. */
  readStdin(maxBytes: number): Promise<Uint8Array>;
  /** Resolves when the user asks the command to stop (SIGINT/SIGTERM). */
  stopped: Promise<void>;
}

export interface Command {
  name: string;
  usage: string;
  run(args: string[], io: CliIO): Promise<number>;
}

/** Wrong arguments: the message says which, and the usage follows it. */
export class UsageError extends Error {
  override name = "UsageError";
  readonly exitCode = EXIT_BAD_INPUT;
}
