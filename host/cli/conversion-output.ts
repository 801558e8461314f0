// Options and printing shared by the commands that end in a conversion (convert, scan).
import type { Conversion, NeighbourRule } from "../core.ts";
import { writePb64 } from "../format/pb64.ts";
import { UsageError } from "./command.ts";
import { parseNamedValues } from "./device-options.ts";

export const FORMATS = ["json", "pb64", "text"] as const;
export type Format = (typeof FORMATS)[number];
const RULES: readonly NeighbourRule[] = ["seed", "preseed-gateway"];

export const conversionOptions = {
  neighbors: { type: "string", default: "seed" },
  format: { type: "string" },
  "pci-path": { type: "string", multiple: true, default: [] as string[] },
} as const;

export function parseRule(value: string): NeighbourRule {
  if (!(RULES as readonly string[]).includes(value)) {
    throw new UsageError(`--neighbors must be seed or preseed-gateway, not "${value}"`);
  }
  return value as NeighbourRule;
}

export function parseFormat(value: string | undefined, fallback: Format): Format {
  if (value === undefined) return fallback;
  if (!(FORMATS as readonly string[]).includes(value)) throw new UsageError(`--format must be json, pb64 or text, not "${value}"`);
  return value as Format;
}

/** --pci-path KEY=PATH, repeated: an interface name (scan) or a host PCI id (DAN). */
export function parsePciPaths(values: string[]): Record<string, string> {
  return parseNamedValues("--pci-path", "KEY=PATH", "eth0=02/00", values);
}

/** Decoding loads protobufjs, which pb64 output does without: a one-shot command loads it
 * only for json and text. */
export async function writeConversion(conversion: Conversion, rule: NeighbourRule, format: Format, write: (text: string) => void): Promise<void> {
  const messages = conversion.messages[rule];
  if (!messages) throw new Error(`the conversion has no messages for the ${rule} rule`);
  if (format === "pb64") return writePb64(messages, write);
  const [{ decodeMessages, toDecodedJson }, { formatText }] = await Promise.all([import("../format/decoded.ts"), import("../format/text.ts")]);
  const decoded = decodeMessages(messages);
  if (format === "json") return write(JSON.stringify(toDecodedJson(decoded), null, 2) + "\n");
  write(formatText(decoded, conversion.skipped));
}
