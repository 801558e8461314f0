// network.go's helpers around the conversion: private MAC addresses from the host's
// CSPRNG, network interface pairs, interworking models. The rules run in the Wasm core;
// randomness and UUIDs come from here, because the core has none of its own.
import { randomUUID, getRandomValues } from "node:crypto";
import { defaultCore } from "./default-core.ts";
import { EXIT_BAD_INPUT } from "./exit-codes.ts";

const MAC_BYTES = 6;

/**
 * generateRandomPrivateMacAddr over bytes a reader produced. Like Go's io.ReadFull: no
 * bytes is "EOF", too few "unexpected EOF"; only the first six are used.
 */
export function privateMacFromRandom(random: Uint8Array, core = defaultCore()): string {
  if (random.length === 0) throw new Error("EOF");
  if (random.length < MAC_BYTES) throw new Error("unexpected EOF");
  return core.privateMac(random.subarray(0, MAC_BYTES));
}

export function generatePrivateMac(core = defaultCore()): string {
  return privateMacFromRandom(getRandomValues(new Uint8Array(MAC_BYTES)), core);
}

export interface NetworkInterfacePair {
  id: string;
  /** The bridge name, br{idx}_kata. */
  name: string;
  tapName: string;
  virtName: string;
  virtHardAddr: string;
  model: number;
  modelName: string;
}

/** createNetworkInterfacePair: names from the index, a fresh private MAC and UUID; the model defaults to Kata's default (tcfilter). */
export function createNetworkInterfacePair(
  index: number | bigint,
  ifName = "",
  model: number | undefined = undefined,
  core = defaultCore(),
): NetworkInterfacePair {
  const names = core.pairNames(BigInt(index));
  return {
    id: randomUUID(),
    name: names.bridge,
    tapName: names.tap,
    virtName: ifName === "" ? names.virt : ifName,
    virtHardAddr: generatePrivateMac(core),
    model: model ?? core.abi.DEFAULT_NET_INTERWORKING_MODEL,
    modelName: core.modelName(model ?? core.abi.DEFAULT_NET_INTERWORKING_MODEL),
  };
}

/** SetModel's error; its message is Go's text. */
export class UnknownModelError extends Error {
  override name = "UnknownModelError";
  readonly exitCode = EXIT_BAD_INPUT;
}

/** SetModel: Go's "Unknown type NAME" for a name it does not know. */
export function parseModel(name: string, core = defaultCore()): number {
  const model = core.modelByName(name);
  if (model === null) throw new UnknownModelError(`Unknown type ${name}`);
  return model;
}

export function modelName(model: number, core = defaultCore()): string {
  return core.modelName(model);
}

export function modelIsValid(model: number, core = defaultCore()): boolean {
  return core.modelIsValid(model);
}

export function addressFamily(family: number, core = defaultCore()): "v4" | "v6" {
  return core.addressFamily(family);
}
