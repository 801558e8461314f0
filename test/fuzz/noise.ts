// Unstructured inputs: random bytes (sometimes behind a plausible header, so the walker
// gets past the first check), and real captures with bytes flipped.
import type { Corpus } from "./corpus.ts";
import { coreInput } from "./corpus.ts";
import type { FuzzCase } from "./fuzz-case.ts";
import type { Random } from "./random.ts";
import { RECORDS, RTM_NEWADDR, RTM_NEWLINK, RTM_NEWNEIGH, RTM_NEWROUTE } from "./netlink-tree.ts";

const PLAUSIBLE_TYPES = [
  RTM_NEWLINK, RTM_NEWADDR, RTM_NEWROUTE, RTM_NEWNEIGH,
  RECORDS.KATANET_PCI_PATH, RECORDS.KATANET_BUS_INFO, RECORDS.KATANET_VHOST_USER, RECORDS.KATANET_ENDPOINT,
];

export function randomBytes(random: Random): FuzzCase {
  const length = random.pick([random.below(16), random.below(64), random.below(1024), random.below(8192)]);
  const input = random.bytes(length);
  if (length >= 16 && random.chance(0.5)) {
    const view = new DataView(input.buffer);
    view.setUint32(0, random.chance(0.5) ? length : random.between(16, length), true);
    view.setUint16(4, random.pick(PLAUSIBLE_TYPES), true);
  }
  return { family: "random-bytes", input, keepGoing: random.chance(0.5) };
}

export function flippedBytes(random: Random, corpus: Corpus): FuzzCase {
  const seed = random.pick(corpus.smallSeeds);
  const input = coreInput(seed.stream, seed.records);
  for (let i = random.between(1, 8); i > 0; i--) {
    const at = random.below(input.length);
    input[at] = random.chance(0.5) ? input[at] ^ (1 << random.below(8)) : random.next() & 0xff;
  }
  return { family: "flipped-bytes", input, keepGoing: random.chance(0.5) };
}
