// Throughput of namespace conversion (netlink bytes → the six agent messages, seed rule)
// on the large live fixtures, for every path in paths.ts, with ratios to both baselines.

import assert from "node:assert/strict";
import { Bench } from "tinybench";
import { captureStream } from "../reference/capture.ts";
import { type LiveFixture, liveFixtures, pbAsFixtureRecords } from "../reference/fixtures.ts";
import type { ConversionOptions } from "../reference/convert-namespace.ts";
import { type ConversionPath, conversionPaths, plainTsPath, protobufjsPath } from "./paths.ts";
import { formatTable } from "./table.ts";

/** "Large" is about size, not names: the fixtures captured for performance hold at least
 * this many netlink messages. */
const LARGE_FIXTURE_MESSAGES = 5_000;

const messageCount = ({ netlink }: LiveFixture): number =>
  netlink.links.length + netlink.addrs.length + netlink.routes.length + netlink.neighs.length;

interface Workload {
  fixture: LiveFixture;
  stream: Uint8Array;
  options: ConversionOptions;
}

function largeWorkloads(): Workload[] {
  return liveFixtures()
    .filter((fixture) => fixture.expected.error === null && messageCount(fixture) >= LARGE_FIXTURE_MESSAGES)
    .map((fixture) => ({
      fixture,
      stream: captureStream(fixture.netlink),
      options: { rule: "seed" as const, pciPaths: fixture.pciPaths },
    }));
}

/** A path that gets the bytes wrong must not get a throughput figure. */
function assertMatchesGo(path: ConversionPath, { fixture, stream, options }: Workload): void {
  const pb = pbAsFixtureRecords(path.convert(stream, options));
  assert.deepEqual(pb, fixture.expected.seed?.pb, `${path.name} differs from Go on ${fixture.file}`);
}

const formatRate = (opsPerSecond: number): string => opsPerSecond.toFixed(opsPerSecond < 100 ? 1 : 0);
const formatRatio = (ratio: number): string => `${ratio.toFixed(2)}×`;

export async function runSuite(): Promise<void> {
  const workloads = largeWorkloads();
  if (workloads.length === 0) throw new Error(`no live fixture with ≥ ${LARGE_FIXTURE_MESSAGES} netlink messages`);
  const rows: string[][] = [];
  for (const workload of workloads) {
    const bench = new Bench({ time: 1500, warmupTime: 300 });
    for (const path of conversionPaths) {
      assertMatchesGo(path, workload);
      bench.add(path.name, () => {
        path.convert(workload.stream, workload.options);
      });
    }
    await bench.run();
    const opsPerSecond = new Map<string, number>();
    for (const task of bench.tasks) {
      const result = task.result;
      if (result.state !== "completed") throw new Error(`${task.name} on ${workload.fixture.file}: ${result.state}`);
      opsPerSecond.set(task.name, 1000 / result.period);
    }
    for (const path of conversionPaths) {
      const rate = opsPerSecond.get(path.name)!;
      rows.push([
        workload.fixture.file.replace(/\.json(\.gz)?$/, ""),
        path.name,
        formatRate(rate),
        (((workload.stream.length / 1e6) * rate) | 0).toString(),
        formatRatio(rate / opsPerSecond.get(plainTsPath.name)!),
        formatRatio(rate / opsPerSecond.get(protobufjsPath.name)!),
      ]);
    }
  }
  console.log("namespace conversion, netlink bytes → agent protobufs (seed rule)\n");
  console.log(formatTable(["fixture", "path", "ops/s", "MB/s in", "vs plain TS", "vs protobufjs"], rows));
}
