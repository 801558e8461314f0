// Throughput of namespace conversion (netlink bytes → the six agent messages, seed rule)
// on the large live fixtures, for every path in paths.ts, with ratios to both baselines.

import assert from "node:assert/strict";
import { toPb64 } from "../../host/format/pb64.ts";
import { Bench } from "tinybench";
import { captureStream } from "../reference/capture.ts";
import { type LiveFixture, liveFixtures, } from "../support/fixtures.ts";
import { conversionPaths, plainTsPath, protobufjsPath } from "./paths.ts";
import { formatTable } from "./table.ts";

/** "Large" is about size, not names: the fixtures captured for performance hold at least
 * this many netlink messages. */
const LARGE_FIXTURE_MESSAGES = 5_000;

const messageCount = ({ netlink }: LiveFixture): number =>
  netlink.links.length + netlink.addrs.length + netlink.routes.length + netlink.neighs.length;

const largeFixtures = (): LiveFixture[] =>
  liveFixtures().filter((fixture) => fixture.expected.error === null && messageCount(fixture) >= LARGE_FIXTURE_MESSAGES);

const formatRate = (opsPerSecond: number): string => opsPerSecond.toFixed(opsPerSecond < 100 ? 1 : 0);
const formatRatio = (ratio: number): string => `${ratio.toFixed(2)}×`;

/** Ops/s of every path on one fixture; a path that gets the bytes wrong is not timed. */
async function measure(fixture: LiveFixture): Promise<Map<string, number>> {
  const bench = new Bench({ time: 1500, warmupTime: 300 });
  for (const path of conversionPaths) {
    const convert = path.prepare(fixture);
    assert.deepEqual(toPb64(convert()), fixture.expected.seed?.pb, `${path.name} differs from Go on ${fixture.file}`);
    bench.add(path.name, convert);
  }
  await bench.run();
  const opsPerSecond = new Map<string, number>();
  for (const task of bench.tasks) {
    const result = task.result;
    if (result.state !== "completed") throw new Error(`${task.name} on ${fixture.file}: ${result.state}`);
    opsPerSecond.set(task.name, 1000 / result.period);
  }
  return opsPerSecond;
}

export const title = "Conversion throughput";

export async function runSuite(): Promise<string> {
  const fixtures = largeFixtures();
  if (fixtures.length === 0) throw new Error(`no live fixture with ≥ ${LARGE_FIXTURE_MESSAGES} netlink messages`);
  const rows: string[][] = [];
  for (const fixture of fixtures) {
    const opsPerSecond = await measure(fixture);
    const inputMegabytes = captureStream(fixture.netlink).length / 1e6;
    for (const path of conversionPaths) {
      const rate = opsPerSecond.get(path.name)!;
      rows.push([
        fixture.file.replace(/\.json(\.gz)?$/, ""),
        path.name,
        formatRate(rate),
        (inputMegabytes * rate).toFixed(0),
        formatRatio(rate / opsPerSecond.get(plainTsPath.name)!),
        formatRatio(rate / opsPerSecond.get(protobufjsPath.name)!),
      ]);
    }
  }
  return [
    "namespace conversion, netlink bytes → agent protobufs (seed rule)\n",
    formatTable(["fixture", "path", "ops/s", "MB/s in", "vs plain TS", "vs protobufjs"], rows),
  ].join("\n");
}
