// Peak memory of scanning a namespace with many routes (issue 6: 1,000,000 routes under
// 300 MB). Not a *.bench file, so `npm run bench` does not build a million routes; run it
// on its own, as root: node dist/test/bench/route-memory.js [--routes N]
//
// The namespace holds one veth endpoint (eth0, with an address, so Kata keeps it) and N
// /32 routes through it; its peer has no address and is skipped. The scan runs in a child
// process under GNU time, so the peak RSS is the scan's and not this script's.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { assertCleanState, createNamespace, deleteNamespaces, ipBatch, namespaceTestsUnavailable } from "../support/netns.ts";

const GNU_TIME = "/usr/bin/time";
const TARGET_KIB = 300 * 1024;

const { values } = parseArgs({ options: { routes: { type: "string", default: "1000000" } } });
const routeCount = Number(values.routes);
if (!Number.isInteger(routeCount) || routeCount < 1 || routeCount > 16_000_000) {
  console.error(`--routes must be an integer from 1 to 16000000, got ${values.routes}`);
  process.exit(2);
}
const unavailable = namespaceTestsUnavailable();
if (unavailable) {
  console.error(`route-memory: ${unavailable}`);
  process.exit(2);
}

/** 10.a.b.c/32 for route i: distinct for up to 2^24 routes. */
function routeLine(i: number): string {
  return `route add 10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}/32 dev eth0`;
}

function buildNamespace(namespace: string): number {
  const started = performance.now();
  ipBatch(namespace, [
    "link add eth0 type veth peer name eth0p",
    "address add 192.168.0.2/24 dev eth0",
    "link set eth0 up",
    "link set eth0p up",
  ]);
  // Batches of 100k keep each `ip` input string small.
  for (let first = 0; first < routeCount; first += 100_000) {
    const lines: string[] = [];
    for (let i = first; i < Math.min(first + 100_000, routeCount); i++) lines.push(routeLine(i));
    ipBatch(namespace, lines);
  }
  return (performance.now() - started) / 1000;
}

/** Runs the scan in a child, under GNU time when installed; returns its report and peak RSS. */
function measureScan(namespace: string): { report: string; maxRssKiB: number; source: string } {
  const script = fileURLToPath(new URL("./scan-namespace.js", import.meta.url));
  const withTime = existsSync(GNU_TIME);
  const command = withTime ? [GNU_TIME, "-v", process.execPath, script, namespace] : [process.execPath, script, namespace];
  const child = spawnSync(command[0], command.slice(1), { encoding: "utf8", maxBuffer: 16 * 1024 * 1024 });
  if (child.status !== 0) throw new Error(`scan failed (exit ${child.status}): ${child.stderr}`);
  const report = child.stdout.trim();
  if (!withTime) return { report, maxRssKiB: JSON.parse(report).maxRssKiB, source: "process.resourceUsage().maxRSS" };
  const line = /Maximum resident set size \(kbytes\): (\d+)/.exec(child.stderr);
  if (!line) throw new Error(`no peak RSS in GNU time's report: ${child.stderr}`);
  return { report, maxRssKiB: Number(line[1]), source: "GNU time -v" };
}

const namespace = createNamespace();
try {
  const buildSeconds = buildNamespace(namespace);
  console.log(`built ${routeCount} routes in ${namespace} in ${buildSeconds.toFixed(1)} s`);
  const { report, maxRssKiB, source } = measureScan(namespace);
  console.log(`scan: ${report}`);
  const verdict = maxRssKiB < TARGET_KIB ? "under" : "OVER";
  console.log(`peak RSS ${(maxRssKiB / 1024).toFixed(1)} MiB (${source}), ${verdict} the 300 MiB target`);
} finally {
  deleteNamespaces(namespace);
  assertCleanState();
}
