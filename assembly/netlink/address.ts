// RTM_NEWADDR: ifaddrmsg + attributes. The library's rule for which IP Kata sees: with
// IFA_LOCAL, an IPv4 address whose IFA_ADDRESS equals it keeps IFA_ADDRESS and the prefix
// length; any other IFA_LOCAL (an IPv4 peer address, or IPv6) is taken with a full-length
// mask; without IFA_LOCAL, IFA_ADDRESS with the prefix length.
import { lastError } from "../errors";
import {
  addrs, appendAddress, A_IP, A_IP_LENGTH, A_MASK_A, A_MASK_B, A_MASK_KIND, chainFor, chains, C_ADDR_COUNT, NONE,
} from "../model";
import { bytesEqual } from "../text/compare";
import { cidrMaskKind } from "../text/ip";
import { afterAttribute, attributeAt, attributeLength, attributeType, attributeValue } from "./attributes";
import { AF_INET, IFA_ADDRESS, IFA_LOCAL } from "./constants";
import { hasHeader, messagePayload, messagePayloadLength, messageType } from "./messages";

const IFADDRMSG_SIZE = 8;

export function decodeAddress(message: usize, base: usize): void {
  if (!hasHeader(message, base, IFADDRMSG_SIZE, "RTM_NEWADDR")) return;
  const family = <i32>load<u8>(messagePayload(message));
  const prefixLength = <i32>load<u8>(messagePayload(message) + 1);
  const index = load<i32>(messagePayload(message) + 4);
  let address: usize = 0;
  let addressLength = NONE;
  let local: usize = 0;
  let localLength = NONE;
  const end = messagePayload(message) + <usize>messagePayloadLength(message);
  for (let at = messagePayload(message) + IFADDRMSG_SIZE; attributeAt(at, end, base); at = afterAttribute(at, end)) {
    const type = attributeType(at);
    if (type == IFA_ADDRESS) {
      address = attributeValue(at);
      addressLength = attributeLength(at);
    } else if (type == IFA_LOCAL) {
      local = attributeValue(at);
      localLength = attributeLength(at);
    }
  }
  if (lastError.failed) return;
  if (addressLength == NONE && localLength == NONE) {
    lastError.malformed(<i32>(message - base)).ascii("RTM_NEWADDR has neither IFA_ADDRESS nor IFA_LOCAL");
    return;
  }
  const row = addrs.add();
  const keepsAddress =
    localLength == NONE || (family == AF_INET && addressLength != NONE && bytesEqual(local, localLength, address, addressLength));
  if (keepsAddress) {
    setAddress(row, address - base, addressLength, prefixLength);
  } else {
    setAddress(row, local - base, localLength, localLength * 8);
  }
  const chain = chainFor(index);
  appendAddress(chain, row);
  chains.set(chain, C_ADDR_COUNT, chains.get(chain, C_ADDR_COUNT) + 1);
}

function setAddress(row: i32, offset: usize, length: i32, ones: i32): void {
  const bits = length * 8;
  addrs.set(row, A_IP, <i32>offset);
  addrs.set(row, A_IP_LENGTH, length);
  addrs.set(row, A_MASK_KIND, cidrMaskKind(ones, bits));
  addrs.set(row, A_MASK_A, ones);
  addrs.set(row, A_MASK_B, bits);
}
