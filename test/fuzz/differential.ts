// The plain-TS reference as an oracle: on a valid input it must give the bytes the Wasm
// core gave, for both neighbour rules, or fail with the same Kata text.
import type { AgentMessages } from "../../host/core-types.ts";
import { convertNamespace } from "../reference/convert-namespace.ts";
import { KataScanError } from "../reference/endpoints.ts";
import type { AgentMessagesPb, NeighborRule } from "../reference/model.ts";
import type { FuzzCase } from "./fuzz-case.ts";
import type { Outcome } from "./outcome.ts";

const RULES = [
  ["seed", "seed"],
  ["preseed-gateway", "preseedGateway"],
] as const satisfies readonly (readonly [string, NeighborRule])[];

/** Undefined when both agree; otherwise what differs. */
export function disagreement(reference: NonNullable<FuzzCase["reference"]>, outcome: Outcome): string | undefined {
  for (const [coreRule, referenceRule] of RULES) {
    let expected: AgentMessagesPb;
    try {
      expected = convertNamespace(reference.stream, { rule: referenceRule, pciPaths: reference.pciPaths });
    } catch (error) {
      if (!(error instanceof KataScanError)) return `the reference rejects it (${String(error)}), the core says ${outcome.kind}`;
      if (outcome.kind !== "kata") return `the reference fails with Kata's "${error.message}", the core says ${outcome.kind}`;
      if (outcome.error.message !== error.message || outcome.error.interfaceName !== error.interfaceName) {
        return `Kata error differs: core "${outcome.error.message}" on ${outcome.error.interfaceName}, reference "${error.message}" on ${error.interfaceName}`;
      }
      return undefined;
    }
    if (outcome.kind !== "converted") return `the reference converts it, the core says ${outcome.kind}: ${describe(outcome)}`;
    const difference = firstDifference(outcome.conversion.messages[coreRule]!, expected);
    if (difference) return `${coreRule} rule: ${difference} differs`;
  }
  return undefined;
}

function describe(outcome: Outcome): string {
  if (outcome.kind === "malformed" || outcome.kind === "kata") return outcome.error.message;
  return outcome.kind === "failure" ? outcome.why : "";
}

function firstDifference(actual: AgentMessages, expected: AgentMessagesPb): string | undefined {
  const single = ["updateRoutesRequest", "addArpNeighborsRequest", "interfacesList", "routesList"] as const;
  for (const key of single) if (!sameBytes(actual[key], expected[key])) return key;
  const repeated = ["interfaces", "updateInterfaceRequests"] as const;
  for (const key of repeated) {
    if (actual[key].length !== expected[key].length) return `${key} count`;
    if (actual[key].some((bytes, i) => !sameBytes(bytes, expected[key][i]))) return key;
  }
  return undefined;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}
