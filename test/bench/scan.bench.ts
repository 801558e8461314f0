// A live scan against its floor, measured side by side on the same namespaces: the raw
// receive loop of the four dumps alone, katanet's whole scan (sockets in the namespace,
// dumps, Kata's hint probes, decode, convert, encode) as a library caller gets it (dumps
// received on the dump thread) and as a one-shot `katanet scan` runs it (one thread), and
// `ip -j route show`. The namespaces are the large live fixtures' setups, rebuilt here
// (root needed).
import { execFileSync } from "node:child_process";
import { Bench } from "tinybench";
import { KatanetCore } from "../../host/core.ts";
import { dumpNamespace } from "../../host/netlink/dump.ts";
import { DumpThread } from "../../host/netlink/dump-thread.ts";
import { inNamespace } from "../../host/netlink/netns.ts";
import { NetlinkSocket } from "../../host/netlink/socket.ts";
import { scan } from "../../host/scan.ts";
import { liveFixtures } from "../support/fixtures.ts";
import { buildFixtureNamespaces, namespaceTestsUnavailable, waitForSettledNamespace } from "../support/netns.ts";
import { median } from "./stats.ts";
import { formatTable } from "./table.ts";

const LARGE_FIXTURE_MESSAGES = 5_000;
const PATHS = ["raw dump (receive loop)", "katanet scan", "katanet scan, one thread", "ip -j route show"] as const;

/** Rounds, each a short tinybench run of every path in a rotated order. On a shared VM the
 * kernel's dump speed drifts by half from one second to the next; rounds put every path in
 * every period, and ratios are taken within a round. */
const ROUNDS = 40;

type Medians = Map<string, number>;

/** Median milliseconds per call of each path on one namespace, per round. */
async function measureNamespace(namespace: string, core: KatanetCore): Promise<Medians[]> {
  const socket = inNamespace(namespace, () => NetlinkSocket.open());
  try {
    const paths: [string, () => void][] = [
      [PATHS[0], () => dumpNamespace(socket, core.resetInput())],
      [PATHS[1], () => void scan({ netns: namespace, rules: ["seed"], core })],
      [PATHS[2], () => void scan({ netns: namespace, rules: ["seed"], core, dumpThread: false })],
      [PATHS[3], () => void execFileSync("ip", ["-n", namespace, "-j", "route", "show"], { maxBuffer: 1 << 28 })],
    ];
    const rounds: Medians[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const bench = new Bench({ time: 40, warmupTime: 5 });
      for (let i = 0; i < paths.length; i++) bench.add(...paths[(round + i) % paths.length]);
      await bench.run();
      const medians: Medians = new Map();
      for (const task of bench.tasks) {
        const result = task.result;
        if (result.state !== "completed") throw new Error(`${task.name} on ${namespace}: ${result.state}`);
        medians.set(task.name, result.latency.p50 ?? result.period);
      }
      rounds.push(medians);
    }
    return rounds;
  } finally {
    socket.close();
  }
}

export const title = "Live scan";

export async function runSuite(): Promise<string> {
  const unavailable = namespaceTestsUnavailable();
  if (unavailable) {
    return `live scan bench skipped: ${unavailable}`;
  }
  if ((await DumpThread.started()) === null) throw new Error(`the dump thread did not start: ${DumpThread.unavailable ?? "timed out"}`);
  const core = new KatanetCore();
  const rows: string[][] = [];
  const large = liveFixtures().filter((f) => f.expected.error === null && f.netlink.routes.length + f.netlink.neighs.length >= LARGE_FIXTURE_MESSAGES);
  // Linearity: the same number of routes spread over many links must not cost much more.
  const routeScans: { links: number; ms: number }[] = [];
  for (const fixture of large) {
    const namespaces = buildFixtureNamespaces(fixture);
    try {
      await waitForSettledNamespace(namespaces.namespace);
      const rounds = await measureNamespace(namespaces.namespace, core);
      if (fixture.netlink.routes.length >= LARGE_FIXTURE_MESSAGES) {
        routeScans.push({ links: fixture.netlink.links.length, ms: median(rounds.map((round) => round.get(PATHS[1])!)) });
      }
      for (const path of PATHS) {
        const ms = median(rounds.map((round) => round.get(path)!));
        const ratios = rounds.map((round) => round.get(path)! / round.get(PATHS[0])!).sort((a, b) => a - b);
        const spread = `${ratios[0].toFixed(2)}–${ratios[ratios.length - 1].toFixed(2)}`;
        rows.push([fixture.file.replace(/\.json(\.gz)?$/, ""), path, ms.toFixed(2), `${median(ratios).toFixed(2)}×`, spread]);
      }
    } finally {
      namespaces.delete();
    }
  }
  const report = [
    `live scan of rebuilt namespaces: ${ROUNDS} rounds, median of the rounds' median per call;`,
    "vs raw dump: median of the per-round ratios, and their range\n",
    formatTable(["namespace", "path", "ms", "vs raw dump", "range"], rows),
  ];
  if (routeScans.length > 1) {
    routeScans.sort((a, b) => a.links - b.links);
    const [fewest, most] = [routeScans[0], routeScans[routeScans.length - 1]];
    report.push(`\nkatanet scan, ${most.links} links / ${fewest.links} links (similar route counts): ${(most.ms / fewest.ms).toFixed(2)}×`);
  }
  return report.join("\n");
}

