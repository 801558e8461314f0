// RTM_NEWNEIGH: ndmsg + attributes. NDA_LLADDR follows the library: 4 bytes is an IP
// (LLIPAddr), anything else a hardware address (a zero-length one is empty, not nil).
// The library asks the kernel about 16-byte ones (an ip6 tunnel's link-layer address is an
// IP); that lookup happens in the caller's own namespace, so a capture cannot replay it:
// katanet always takes 16 bytes as a hardware address.
import { lastError } from "../errors";
import {
  appendNeighbour, chainFor, neighs, NONE, N_FLAGS, N_IP, N_IP_LENGTH, N_LLADDR, N_LLADDR_LENGTH, N_STATE,
} from "../model";
import { afterAttribute, attributeAt, attributeLength, attributeType, attributeValue } from "./attributes";
import { setFieldAt } from "../memory/table";
import { NDA_DST, NDA_LLADDR } from "./constants";
import { hasHeader, messagePayload, messagePayloadLength, messageType } from "./messages";

const NDMSG_SIZE = 12;

/** Adds the neighbour to its link's chain and returns the chain (NONE when malformed). */
export function decodeNeighbour(message: usize, base: usize): i32 {
  if (!hasHeader(message, base, NDMSG_SIZE, "RTM_NEWNEIGH")) return NONE;
  const header = messagePayload(message);
  const row = neighs.add();
  const neigh = neighs.rowAt(row);
  setFieldAt(neigh, N_STATE, load<u16>(header + 8));
  setFieldAt(neigh, N_FLAGS, load<u8>(header + 10));
  setFieldAt(neigh, N_IP_LENGTH, NONE);
  setFieldAt(neigh, N_LLADDR_LENGTH, NONE);
  const end = header + <usize>messagePayloadLength(message);
  for (let at = header + NDMSG_SIZE; attributeAt(at, end, base); at = afterAttribute(at, end)) {
    const type = attributeType(at);
    const length = attributeLength(at);
    if (type == NDA_DST) {
      setFieldAt(neigh, N_IP, <i32>(attributeValue(at) - base));
      setFieldAt(neigh, N_IP_LENGTH, length);
    } else if (type == NDA_LLADDR && length != 4) {
      setFieldAt(neigh, N_LLADDR, <i32>(attributeValue(at) - base));
      setFieldAt(neigh, N_LLADDR_LENGTH, length);
    }
  }
  if (lastError.failed) return NONE;
  const chain = chainFor(load<i32>(header + 4));
  appendNeighbour(chain, row);
  return chain;
}
