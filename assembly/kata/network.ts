// The small pure functions of Kata's network.go: private MAC addresses, network interface
// pair names, interworking models and the address family of a route.
import { out } from "../proto/writer";
import { writeDecimal } from "../text/digits";
import { writeMAC } from "../text/mac";
import { bytesEqualAscii } from "../text/compare";

/** generateRandomPrivateMacAddr on 6 host-supplied random bytes: locally administered, unicast. */
export function writePrivateMAC(random: usize): void {
  store<u8>(random, (load<u8>(random) | 2) & 0xfe);
  writeMAC(random, 6);
}

// createNetworkInterfacePair's three names, by `which` of the pairName export
export const PAIR_BRIDGE = 0;
export const PAIR_TAP = 1;
export const PAIR_VIRT = 2;

/** createNetworkInterfacePair's names: "br{i}_kata", "tap{i}_kata", and "eth{i}" unless named. */
export function writePairName(prefix: string, index: i64): void {
  for (let i = 0; i < prefix.length; i++) out.byte(prefix.charCodeAt(i));
  if (index < 0) {
    out.byte(45);
    writeDecimal(<u64>0 - <u64>index);
  } else {
    writeDecimal(<u64>index);
  }
}

export function writeKataSuffix(): void {
  out.byte(95); // "_kata"
  out.byte(107);
  out.byte(97);
  out.byte(116);
  out.byte(97);
}

// NetInterworkingModel. GetModel's first case compares with the package variable
// DefaultNetInterworkingModel (tcfilter, 2), so 2 prints "default" and 0 "unknown".
export const MODEL_DEFAULT = 0;
export const MODEL_MACVTAP = 1;
export const MODEL_TCFILTER = 2;
export const MODEL_NONE = 3;
export const MODEL_INVALID = 4;
export const DEFAULT_NET_INTERWORKING_MODEL = MODEL_TCFILTER;
const DEFAULT_MODEL = DEFAULT_NET_INTERWORKING_MODEL;

export function modelName(model: i32): string {
  if (model == DEFAULT_MODEL) return "default";
  if (model == MODEL_MACVTAP) return "macvtap";
  if (model == MODEL_NONE) return "none";
  return "unknown";
}

// utils.ConvertAddressFamily's result: the agent's IPFamily
export const FAMILY_V4 = 0;
export const FAMILY_V6 = 1;

/** SetModel: the model for a name, or -1 for Go's "Unknown type NAME". */
export function modelFromName(ptr: usize, length: i32): i32 {
  if (bytesEqualAscii(ptr, length, "default")) return DEFAULT_MODEL;
  if (bytesEqualAscii(ptr, length, "macvtap")) return MODEL_MACVTAP;
  if (bytesEqualAscii(ptr, length, "tcfilter")) return MODEL_TCFILTER;
  if (bytesEqualAscii(ptr, length, "none")) return MODEL_NONE;
  return -1;
}

export function modelIsValid(model: i32): bool {
  return model >= 0 && model < MODEL_INVALID;
}
