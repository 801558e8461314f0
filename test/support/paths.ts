// Locates the repository root and the shared Go fixtures, the same way from the
// TypeScript sources (Deno) and from their compiled copies under dist/ (Node).

import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";

/** The nearest directory above this file holding package.json. */
export function repoRoot(): string {
  const start = dirname(fileURLToPath(import.meta.url));
  for (let directory = start; ; directory = dirname(directory)) {
    if (existsSync(join(directory, "package.json"))) return directory;
    if (dirname(directory) === directory) throw new Error(`no package.json above ${start}`);
  }
}

/** ../shared/fixtures/go next to the repository; fails loudly when it is missing. */
export function goFixturesDirectory(): string {
  const directory = join(repoRoot(), "..", "shared", "fixtures", "go");
  if (!existsSync(join(directory, "README.md"))) {
    throw new Error(`Go fixtures not found at ${directory} (expected the shared fixtures beside the repository)`);
  }
  return directory;
}

/** A live fixture as far as replaying its namespace needs (see the fixtures README). */
export interface LiveFixture {
  name: string;
  setup: string[];
  peerSetup: string[];
  sysctls?: string[];
  peerSysctls?: string[];
  netlink: Record<"links" | "addrs" | "routes" | "neighs", string[]>;
}

/** Reads `<name>.json`, or `<name>.json.gz` for the large cases. */
export function readLiveFixture(name: string): LiveFixture {
  const base = join(goFixturesDirectory(), name);
  if (existsSync(`${base}.json`)) return JSON.parse(readFileSync(`${base}.json`, "utf8")) as LiveFixture;
  if (existsSync(`${base}.json.gz`)) return JSON.parse(gunzipSync(readFileSync(`${base}.json.gz`)).toString("utf8")) as LiveFixture;
  throw new Error(`no live fixture ${name}.json or ${name}.json.gz in ${goFixturesDirectory()}`);
}
