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
import { formatTable } from "./table.ts";

const LARGE_FIXTURE_MESSAGES = 5_000;
const PATHS = ["raw dump (receive loop)", "katanet scan", "katanet scan, one thread", "ip -j route show"] as const;

/** Median milliseconds per call of each path on one namespace. */
async function measureNamespace(namespace: string, core: KatanetCore): Promise<Map<string, number>> {
  const socket = inNamespace(namespace, () => NetlinkSocket.open());
  try {
    const bench = new Bench({ time: 1500, warmupTime: 300 });
    bench.add(PATHS[0], () => dumpNamespace(socket, core.resetInput()));
    bench.add(PATHS[1], () => void scan({ netns: namespace, rules: ["seed"], core }));
    bench.add(PATHS[2], () => void scan({ netns: namespace, rules: ["seed"], core, dumpThread: false }));
    bench.add(PATHS[3], () => void execFileSync("ip", ["-n", namespace, "-j", "route", "show"], { maxBuffer: 1 << 28 }));
    await bench.run();
    const medians = new Map<string, number>();
    for (const task of bench.tasks) {
      const result = task.result;
      if (result.state !== "completed") throw new Error(`${task.name} on ${namespace}: ${result.state}`);
      medians.set(task.name, result.latency.p50 ?? result.period);
    }
    return medians;
  } finally {
    socket.close();
  }
}

export async function runSuite(): Promise<void> {
  const unavailable = namespaceTestsUnavailable();
  if (unavailable) {
    console.log(`live scan bench skipped: ${unavailable}`);
    return;
  }
  if ((await DumpThread.started()) === null) throw new Error(`the dump thread did not start: ${DumpThread.unavailable ?? "timed out"}`);
  const core = new KatanetCore();
  const rows: string[][] = [];
  const large = liveFixtures().filter((f) => f.expected.error === null && f.netlink.routes.length + f.netlink.neighs.length >= LARGE_FIXTURE_MESSAGES);
  const scanTimes: number[] = [];
  for (const fixture of large) {
    const namespaces = buildFixtureNamespaces(fixture);
    try {
      await waitForSettledNamespace(namespaces.namespace);
      const medians = await measureNamespace(namespaces.namespace, core);
      const raw = medians.get(PATHS[0])!;
      scanTimes.push(medians.get(PATHS[1])!);
      for (const path of PATHS) {
        const ms = medians.get(path)!;
        rows.push([fixture.file.replace(/\.json(\.gz)?$/, ""), path, ms.toFixed(2), `${(ms / raw).toFixed(2)}×`]);
      }
    } finally {
      namespaces.delete();
    }
  }
  console.log("live scan of rebuilt namespaces (median per call)\n");
  console.log(formatTable(["namespace", "path", "ms", "vs raw dump"], rows));
  if (scanTimes.length > 1) {
    console.log(`\nslowest / fastest katanet scan across these namespaces: ${(Math.max(...scanTimes) / Math.min(...scanTimes)).toFixed(2)}×`);
  }
}

