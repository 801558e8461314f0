// Reads the Go fixtures in place (../shared/fixtures/go beside the repository); they are
// never copied into the repository, and no code here knows a fixture by name.

import { Buffer } from "node:buffer";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import type { NetlinkCapture } from "./capture.ts";
import type { AgentMessagesPb, NeighborRule } from "./model.ts";

export interface ExpectedPb {
  interfaces: string[];
  updateInterfaceRequests: string[];
  updateRoutesRequest: string;
  addArpNeighborsRequest: string;
  interfacesList: string;
  routesList: string;
}

export interface ExpectedStructures {
  interfaces: unknown[];
  routes: unknown[];
  neighbors: unknown[];
  pb: ExpectedPb;
}

export interface LiveFixture {
  /** The file name, for test titles and messages. */
  file: string;
  pciPaths: Record<string, string>;
  netlink: NetlinkCapture;
  endpoints: { name: string; type: string; hwAddr: string; devicePath: string }[];
  skipped: { name: string; reason: string }[];
  expected: {
    error: string | null;
    errorInterface: string | null;
  } & Record<NeighborRule, ExpectedStructures | null>;
}

function repositoryRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json"))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`fixtures: no package.json above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
  return dir;
}

export function fixturesDirectory(): string {
  const dir = join(repositoryRoot(), "..", "shared", "fixtures", "go");
  if (!existsSync(dir)) {
    throw new Error(`Go fixtures not found at ${dir}: the conformance tests read them in place from ../shared/fixtures/go`);
  }
  return dir;
}

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

const toBase64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString("base64");

/** Encoded messages in the shape of a fixture's `expected.<rule>.pb` (base64 values). */
export function pbAsFixtureRecords(pb: AgentMessagesPb): ExpectedPb {
  return {
    interfaces: pb.interfaces.map(toBase64),
    updateInterfaceRequests: pb.updateInterfaceRequests.map(toBase64),
    updateRoutesRequest: toBase64(pb.updateRoutesRequest),
    addArpNeighborsRequest: toBase64(pb.addArpNeighborsRequest),
    interfacesList: toBase64(pb.interfacesList),
    routesList: toBase64(pb.routesList),
  };
}

/** The first live fixture (file-name order) with a property a test needs; never by name. */
export function findLiveFixture(what: string, matches: (fixture: LiveFixture) => boolean): LiveFixture {
  const found = liveFixtures().find(matches);
  if (!found) throw new Error(`no live fixture ${what} in ${fixturesDirectory()}`);
  return found;
}
