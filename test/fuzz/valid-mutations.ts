// Mutations that keep a capture valid, so the Wasm core and the plain-TS reference must
// still agree byte for byte: attributes reordered, optional attributes dropped, attributes
// of types no decoder knows added, messages of one kind reordered.
import type { Corpus } from "./corpus.ts";
import { concatBytes, type FuzzCase } from "./fuzz-case.ts";
import { attribute, RTM_NEWADDR, RTM_NEWLINK, RTM_NEWNEIGH, serializeStream, type Attribute, type Message } from "./netlink-tree.ts";
import type { Random } from "./random.ts";

/** Attributes a dropped copy would turn into something the reference does not model
 * (a link without a name, an address without an IP, a neighbour without an IP). */
const KEPT: Record<number, number[]> = { [RTM_NEWLINK]: [3], [RTM_NEWADDR]: [1, 2], [RTM_NEWNEIGH]: [1] };

/** Types no decoder reads at any level, without the flag bits the core masks off. */
const unknownType = (random: Random): number => random.between(0x1000, 0x3fff);

export function validMutation(random: Random, corpus: Corpus): FuzzCase {
  const seed = random.pick(corpus.smallSeeds);
  let messages: Message[] = seed.messages.map(copyMessage);
  for (let i = random.between(1, 3); i > 0; i--) {
    const target = random.pick(messages);
    switch (random.below(4)) {
      case 0: shuffle(random, pickContainer(random, target.attributes)); break;
      case 1: dropOptional(random, target); break;
      case 2: addUnknown(random, pickContainer(random, target.attributes)); break;
      default: messages = shuffleKind(random, messages, target.type);
    }
  }
  const stream = serializeStream(messages);
  return {
    family: "valid-mutation",
    input: concatBytes(stream, seed.records),
    keepGoing: false,
    reference: { stream, pciPaths: seed.pciPaths },
  };
}

function copyMessage(message: Message): Message {
  return { ...message, attributes: message.attributes.map(copyAttribute) };
}

function copyAttribute(original: Attribute): Attribute {
  return { ...original, children: original.children?.map(copyAttribute) };
}

/** A message's attribute list, or the children of one of its nested attributes. */
function pickContainer(random: Random, attributes: Attribute[]): Attribute[] {
  const nested = attributes.filter((a) => a.children);
  if (nested.length === 0 || random.chance(0.5)) return attributes;
  return pickContainer(random, random.pick(nested).children!);
}

function shuffle<T>(random: Random, items: T[]): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = random.below(i + 1);
    [items[i], items[j]] = [items[j], items[i]];
  }
}

function dropOptional(random: Random, message: Message): void {
  const kept = KEPT[message.type] ?? [];
  const droppable = message.attributes.filter((a) => !kept.includes(a.type));
  if (droppable.length > 0) message.attributes.splice(message.attributes.indexOf(random.pick(droppable)), 1);
}

function addUnknown(random: Random, attributes: Attribute[]): void {
  const added = attribute(unknownType(random), random.bytes(random.below(40)));
  attributes.splice(random.below(attributes.length + 1), 0, added);
}

/** Messages of one type in another order; each dump's own order is what Kata keeps. */
function shuffleKind(random: Random, messages: Message[], type: number): Message[] {
  const ofKind = messages.filter((m) => m.type === type);
  shuffle(random, ofKind);
  let next = 0;
  return messages.map((m) => (m.type === type ? ofKind[next++] : m));
}
