// Inputs whose length fields lie: real messages cut short, nlmsg_len and nla_len values
// that are too short, too long, zero, or past the end. Each case says where the core's
// error must point.
import type { Corpus } from "./corpus.ts";
import { coreInput } from "./corpus.ts";
import { concatBytes, type FuzzCase } from "./fuzz-case.ts";
import { allAttributes, serializeMessage, type Message } from "./netlink-tree.ts";
import type { Random } from "./random.ts";

const NLMSG_HDRLEN = 16;
/** A NLMSG_NOOP in front of a cut message, so offsets do not start at zero by luck. */
const NOOP = new Uint8Array([16, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);

/**
 * One shape's message cut to `cut` bytes. Kept: nlmsg_len still claims the whole message,
 * so the error is at the message. Fixed: nlmsg_len says `cut`, so attributes run out
 * inside it (an error anywhere in the message, or a valid shorter message).
 */
export function truncated(message: Message, cut: number, keepLength: boolean): FuzzCase {
  const whole = serializeMessage(message).slice(0, cut);
  if (!keepLength && cut >= 4) new DataView(whole.buffer).setUint32(0, cut, true);
  return {
    family: keepLength ? "truncated-message" : "truncated-message-relabelled",
    input: concatBytes(NOOP, whole),
    keepGoing: false,
    // Less than a header left, or a length past the end: the walker stops at the message.
    expect: keepLength || cut < NLMSG_HDRLEN ? { exactly: NOOP.length } : { from: NOOP.length },
  };
}

/** Every cut of every shape, both ways: the exhaustive pass. */
export function* everyTruncation(corpus: Corpus): Generator<FuzzCase> {
  for (const { message } of corpus.shapes) {
    const length = serializeMessage(message).length;
    for (let cut = 1; cut < length; cut++) {
      yield truncated(message, cut, true);
      yield truncated(message, cut, false);
    }
  }
}

export function randomTruncation(random: Random, corpus: Corpus): FuzzCase {
  const seed = random.pick(corpus.seeds);
  const message = random.pick(seed.messages);
  return truncated(message, random.between(1, message.length - 1), random.chance(0.5));
}

export function lyingMessageLength(random: Random, corpus: Corpus): FuzzCase {
  const seed = random.pick(corpus.smallSeeds);
  const input = coreInput(seed.stream, seed.records);
  const message = random.pick(seed.messages);
  const remaining = input.length - message.at;
  const choices: [number, boolean][] = [
    [0, true],
    [random.between(1, NLMSG_HDRLEN - 1), true],
    [remaining + random.between(1, 64), true],
    [0xffffffff, true],
    [random.between(NLMSG_HDRLEN, Math.max(NLMSG_HDRLEN, message.length - 1)), false],
    [Math.min(remaining, message.length + 4 * random.between(1, 8)), false],
  ];
  const [lie, pointsHere] = random.pick(choices);
  new DataView(input.buffer).setUint32(message.at, lie >>> 0, true);
  return {
    family: "lying-nlmsg_len",
    input,
    keepGoing: random.chance(0.5),
    expect: pointsHere ? { exactly: message.at } : { from: message.at },
  };
}

export function lyingAttributeLength(random: Random, corpus: Corpus): FuzzCase {
  const seed = random.pick(corpus.smallSeeds);
  const withAttributes = seed.messages.filter((m) => m.attributes.length > 0);
  const message = random.pick(withAttributes);
  const { attribute, containerEnd } = random.pick(allAttributes(message));
  const input = coreInput(seed.stream, seed.records);
  const choices: [number, boolean][] = [
    [random.between(0, 3), true],
    [Math.min(0xffff, containerEnd - attribute.at + random.between(1, 64)), true],
    [0xffff, containerEnd - attribute.at < 0xffff],
    [Math.max(4, attribute.value.length + 4 - random.between(1, 4)), false],
    [attribute.value.length + 4 + random.between(1, 8), false],
  ];
  const [lie, pointsHere] = random.pick(choices);
  new DataView(input.buffer).setUint16(attribute.at, lie, true);
  return {
    family: "lying-nla_len",
    input,
    keepGoing: random.chance(0.5),
    expect: pointsHere ? { exactly: attribute.at } : { from: message.at },
  };
}
