// Options and printing shared by the commands that end in a conversion (convert, scan).
import type { Conversion, NeighbourRule } from "../core-types.ts";
import { writePb64 } from "../format/pb64.ts";
import { type CliIO, UsageError } from "./command.ts";
import { parseNamedValues } from "./device-options.ts";
import type { KernelLink } from "../format/link-flags.ts";
import { isRejected } from "../format/skipped.ts";

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

/** Throws for a --pci-path or --ccw-device KEY that names nothing in the input: a typo
 * would otherwise leave the interface without its device path, silently. */
export function checkDeviceKeys(flag: string, values: Record<string, string>, known: Iterable<string>, what: string): void {
  const names = new Set(known);
  const unknown = Object.keys(values).find((key) => !names.has(key));
  if (unknown === undefined) return;
  const listed = [...names].sort().join(", ") || "none";
  throw new UsageError(`${flag} ${unknown}=${values[unknown]}: "${unknown}" matches no ${what} (there are: ${listed})`);
}

/**
 * Prints the conversion in `format`. Links left out because Kata would reject them
 * (--keep-going) are never hidden: `text` lists every skipped link under "not sent:",
 * `json` has them in "skipped", and for json and pb64 each rejected link is also one line
 * on standard error. `links` (the kernel's ifindex and flags) is shown by `text`.
 * Decoding loads protobufjs, which pb64 output does without: a one-shot command loads it
 * only for json and text.
 */
export async function writeConversion(conversion: Conversion, rule: NeighbourRule, format: Format, io: Pick<CliIO, "out" | "err">, command: string, links?: ReadonlyMap<string, KernelLink>): Promise<void> {
  const messages = conversion.messages[rule];
  if (!messages) throw new Error(`the conversion has no messages for the ${rule} rule`);
  for (const link of conversion.skipped) {
    if (format !== "text" && isRejected(link)) io.err(`katanet ${command}: left out ${link.name}: ${link.reason}\n`);
  }
  if (format === "pb64") return writePb64(messages, io.out);
  const [{ decodeMessages, toDecodedJson }, { formatText }] = await Promise.all([import("../format/decoded.ts"), import("../format/text.ts")]);
  const decoded = decodeMessages(messages);
  if (format === "text") return io.out(formatText(decoded, conversion.skipped, links));
  io.out(JSON.stringify({ ...toDecodedJson(decoded), skipped: conversion.skipped }, null, 2) + "\n");
}
