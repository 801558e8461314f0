// The Go fixtures, read in place from ../shared beside the repository (never copied), the
// same way from the TypeScript sources (Deno) and their compiled copies under dist/
// (Node). Tests choose fixtures by what they contain, never by name.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import type { Capture } from "../../host/capture.ts";
import type { Pb64 } from "../../host/format/pb64.ts";

/** A fixture's `expected.<rule>.pb`: the form `katanet --format pb64` prints. */
export type ExpectedPb = Pb64;

export interface ExpectedStructures {
  interfaces: unknown[];
  routes: unknown[];
  neighbors: unknown[];
  pb: ExpectedPb;
}

export type NeighborRuleKey = "seed" | "preseedGateway";

/** A live fixture: a namespace's setup, its capture, and what Go produced from it. */
export interface LiveFixture {
  /** The file name, for test titles and messages. */
  file: string;
  name: string;
  setup: string[];
  peerSetup: string[];
  sysctls?: string[];
  peerSysctls?: string[];
  pciPaths: Record<string, string>;
  netlink: Capture["netlink"];
  netlinkRequests: Capture["netlink"];
  endpoints: { name: string; type: string; hwAddr: string; devicePath: string }[];
  skipped: { name: string; reason: string }[];
  expected: {
    error: string | null;
    errorInterface: string | null;
  } & Record<NeighborRuleKey, ExpectedStructures | null>;
}

/** The nearest directory above this file holding package.json. */
export function repoRoot(): string {
  const start = dirname(fileURLToPath(import.meta.url));
  for (let directory = start; ; directory = dirname(directory)) {
    if (existsSync(join(directory, "package.json"))) return directory;
    if (dirname(directory) === directory) throw new Error(`no package.json above ${start}`);
  }
}

function sharedFixtures(kind: "go" | "go-dan"): string {
  const directory = join(repoRoot(), "..", "shared", "fixtures", kind);
  if (!existsSync(directory)) {
    throw new Error(`Go fixtures not found at ${directory}: the tests read them in place from ../shared/fixtures/${kind}`);
  }
  return directory;
}

export const fixturesDirectory = (): string => sharedFixtures("go");
export const danFixturesDirectory = (): string => sharedFixtures("go-dan");

/** A file of ../shared/fixtures/go, gunzipped when it ends in .gz. */
export function readFixture(file: string): unknown {
  const bytes = readFileSync(join(fixturesDirectory(), file));
  const text = file.endsWith(".gz") ? gunzipSync(bytes).toString("utf8") : bytes.toString("utf8");
  return JSON.parse(text);
}

const isFixtureFile = (file: string): boolean => file.endsWith(".json") || file.endsWith(".json.gz");

let liveFixtureCache: LiveFixture[] | undefined;

/** Every live fixture (a namespace capture with its expected output), in file-name order. */
export function liveFixtures(): LiveFixture[] {
  if (!liveFixtureCache) {
    const files = readdirSync(fixturesDirectory()).filter(isFixtureFile).sort();
    liveFixtureCache = files.flatMap((file) => {
      const content = readFixture(file) as Partial<LiveFixture>;
      return content.netlink && content.expected ? [{ ...(content as LiveFixture), file }] : [];
    });
    if (liveFixtureCache.length === 0) throw new Error(`no live fixtures in ${fixturesDirectory()}`);
  }
  return liveFixtureCache;
}

/** The first live fixture (file-name order) with a property a test needs. */
export function findLiveFixture(what: string, matches: (fixture: LiveFixture) => boolean): LiveFixture {
  const found = liveFixtures().find(matches);
  if (!found) throw new Error(`no live fixture ${what} in ${fixturesDirectory()}`);
  return found;
}
