// One input through the Wasm core, judged by the rules every input must keep: no trap,
// and every rejection a typed error that says what and where.
import { KatanetCore } from "../../host/core.ts";
import { CoreUsageError, KataError, MalformedInputError } from "../../host/core-errors.ts";
import { type Conversion } from "../../host/core-types.ts";

export type Outcome =
  | { kind: "converted"; conversion: Conversion }
  | { kind: "malformed"; error: MalformedInputError }
  | { kind: "kata"; error: KataError }
  /** A broken rule: a trap, a usage error, an empty text, an offset outside the input. */
  | { kind: "failure"; why: string };

export function runCore(core: KatanetCore, input: Uint8Array, keepGoing: boolean): Outcome {
  let conversion: Conversion;
  try {
    conversion = core.convertBytes(input, { keepGoing });
  } catch (error) {
    return judgeError(error, input);
  }
  return { kind: "converted", conversion };
}

function judgeError(error: unknown, input: Uint8Array): Outcome {
  if (error instanceof MalformedInputError) {
    if (error.detail.trim() === "") return { kind: "failure", why: "MalformedInputError with an empty text" };
    // Every malformed-input error of the core points into the input (no -1 case exists).
    if (!Number.isInteger(error.offset) || error.offset < 0 || error.offset >= input.length) {
      return { kind: "failure", why: `offset ${error.offset} outside the ${input.length}-byte input: ${error.detail}` };
    }
    return { kind: "malformed", error };
  }
  if (error instanceof KataError) {
    if (error.message.trim() === "") return { kind: "failure", why: "KataError with an empty text" };
    return { kind: "kata", error };
  }
  if (error instanceof CoreUsageError) return { kind: "failure", why: `usage error: ${error.message}` };
  return { kind: "failure", why: `trap: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}` };
}

/** The error text without the input's own bytes (names, values, numbers): what kind of
 * message it is, for counting. */
export function messageKind(text: string): string {
  return text
    .replace(/PCI path ".*" of .*: token /s, 'PCI path "…" of …: token ')
    .replace(/"[^"]*"/g, '"…"')
    .replace(/(interface: ).*/s, "$1…")
    .replace(/-?\d+/g, "N");
}
