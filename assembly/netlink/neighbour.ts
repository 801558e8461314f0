// RTM_NEWNEIGH: ndmsg + attributes. NDA_LLADDR follows the library: 4 bytes is an IP
// (LLIPAddr), anything else a hardware address (a zero-length one is empty, not nil).
// The library asks the kernel about 16-byte ones (an ip6 tunnel's link-layer address is an
// IP); that lookup happens in the caller's own namespace, so a capture cannot replay it:
// katanet always takes 16 bytes as a hardware address.
import { lastError } from "../errors";
import { append, chainFor, C_NEIGH_HEAD, neighs, NONE, N_FLAGS, N_IP, N_LLADDR, N_STATE } from "../model";
import { AttributeReader } from "./attributes";
import { NDA_DST, NDA_LLADDR } from "./constants";
import { MessageWalker } from "./messages";

const NDMSG_SIZE = 12;
const attributes = new AttributeReader();

export function decodeNeighbour(message: MessageWalker): void {
  if (!message.hasHeader(NDMSG_SIZE, "RTM_NEWNEIGH")) return;
  const header = message.payload;
  const row = neighs.add();
  neighs.set(row, N_STATE, load<u16>(header + 8));
  neighs.set(row, N_FLAGS, load<u8>(header + 10));
  neighs.set(row, N_IP + 1, NONE);
  neighs.set(row, N_LLADDR + 1, NONE);
  attributes.reset(header + NDMSG_SIZE, header + <usize>message.payloadLength, message.inputBase);
  while (attributes.next()) {
    if (attributes.type == NDA_DST) {
      neighs.set(row, N_IP, attributes.offsetOfValue());
      neighs.set(row, N_IP + 1, attributes.length);
    } else if (attributes.type == NDA_LLADDR && attributes.length != 4) {
      neighs.set(row, N_LLADDR, attributes.offsetOfValue());
      neighs.set(row, N_LLADDR + 1, attributes.length);
    }
  }
  if (lastError.failed) return;
  append(chainFor(load<i32>(header + 4)), C_NEIGH_HEAD, neighs, row);
}
