// The seeds every generator starts from: the live Go fixtures, read in place, as kernel
// byte streams plus the PCI paths a hypervisor would add.
import { NetlinkBuilder } from "../../host/netlink/builder.ts";
import { encodePciPaths } from "../../host/wire/records.ts";
import { defaultCore } from "../../host/default-core.ts";
import { captureStream } from "../reference/capture.ts";
import { liveFixtures } from "../support/fixtures.ts";
import { parseStream, type Message } from "./netlink-tree.ts";

export interface Seed {
  file: string;
  /** The four dumps as one stream, kernel messages only (what the reference decodes). */
  stream: Uint8Array;
  messages: Message[];
  pciPaths: Record<string, string>;
  /** The PCI paths as the core's private records, appended after the kernel messages. */
  records: Uint8Array;
}

export interface Corpus {
  seeds: Seed[];
  /** Seeds small enough to convert thousands of times a second (differential, lies). */
  smallSeeds: Seed[];
  /** One real message per distinct shape (type and attribute layout): truncating each at
   * every offset covers what truncating all 42k fixture messages would, in 1/100 the time. */
  shapes: { seed: Seed; message: Message }[];
}

const SMALL_STREAM = 16 * 1024;

export function loadCorpus(): Corpus {
  const { abi } = defaultCore();
  const seeds = liveFixtures().map((fixture): Seed => {
    const stream = captureStream(fixture.netlink);
    const builder = new NetlinkBuilder();
    encodePciPaths(builder, abi, fixture.pciPaths ?? {});
    return { file: fixture.file, stream, messages: parseStream(stream), pciPaths: fixture.pciPaths ?? {}, records: builder.finish() };
  });
  const shapes = new Map<string, { seed: Seed; message: Message }>();
  for (const seed of seeds) {
    for (const message of seed.messages) {
      const key = shapeOf(message);
      if (!shapes.has(key)) shapes.set(key, { seed, message });
    }
  }
  return { seeds, smallSeeds: seeds.filter((seed) => seed.stream.length <= SMALL_STREAM), shapes: [...shapes.values()] };
}

function shapeOf(message: Message): string {
  return [message.type, ...message.attributes.map((a) => `${a.type}:${a.value.length}`)].join(",");
}

/** A seed's messages plus its PCI path records: what the core converts for it. */
export function coreInput(stream: Uint8Array, records: Uint8Array): Uint8Array {
  const input = new Uint8Array(stream.length + records.length);
  input.set(stream);
  input.set(records, stream.length);
  return input;
}
