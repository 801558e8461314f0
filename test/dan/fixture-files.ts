// Finds the Go DAN fixtures in place (never copied) and gives each case's input exactly
// as Kata read it. A fixture's `dan` object must be taken as raw text: JSON.parse would
// merge its repeated keys and round its uint64 literals, which is what the cases test.

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { readJson } from "../../host/dan/json.ts";
import { danFixturesDirectory } from "../support/fixtures.ts";

export const DAN_FIXTURE_DIR = danFixturesDirectory();

export interface DanFixture {
  file: string;
  /** The bytes of the DAN file Kata read. */
  input: Uint8Array;
  pciPaths: Record<string, string>;
  // deno-lint-ignore no-explicit-any
  endpoints: any[];
  expected: { error: string | null; errorInterface: string | null };
}

export function danFixtureFiles(): string[] {
  const files = readdirSync(DAN_FIXTURE_DIR).filter((f) => f.endsWith(".json") && f !== "index.json").sort();
  if (files.length === 0) throw new Error(`no DAN fixtures in ${DAN_FIXTURE_DIR}`);
  return files;
}

export function indexedFixtureFiles(): string[] {
  const index = JSON.parse(readFileSync(join(DAN_FIXTURE_DIR, "index.json"), "utf8"));
  return index.fixtures.map((f: { file: string }) => f.file);
}

export function loadDanFixture(file: string): DanFixture {
  const bytes = new Uint8Array(readFileSync(join(DAN_FIXTURE_DIR, file)));
  const parsed = JSON.parse(new TextDecoder().decode(bytes));
  let input: Uint8Array;
  if (typeof parsed.danText === "string") {
    input = new TextEncoder().encode(parsed.danText);
  } else {
    const tree = readJson(bytes);
    const dan = tree.kind === "object" ? tree.members.find((m) => m.key === "dan") : undefined;
    if (dan === undefined) throw new Error(`${file}: neither "dan" nor "danText"`);
    input = bytes.subarray(dan.value.start, dan.value.end);
  }
  return { file, input, pciPaths: parsed.pciPaths, endpoints: parsed.endpoints, expected: parsed.expected };
}
