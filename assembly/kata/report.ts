// What the scan decided, for people and for --keep-going: one line per endpoint
// ("E", name, type, pair index or "-", hwAddr) and per skipped link ("S", name, reason),
// tab-separated. The kernel refuses whitespace in link names, but captures and
// hand-described endpoints can hold any byte, so text fields escape backslash, tab and
// newline (as two characters: backslash, then the same, 't' or 'n'); a line always splits
// into its fields.
import { ERR_OUTPUT_TOO_SMALL } from "../errors";
import {
  addrs, A_IP, A_IP_LENGTH, chains, C_ADDR_HEAD, endpoints, E_HW, E_HW_LENGTH, E_HW_IS_TEXT, E_TYPE, E_TYPE_LENGTH, findChain,
  inputBase, links, L_INDEX, NONE, pairIndex, endpointName, endpointNameLength, linkName, linkNameLength,
} from "../model";
import { writeIP } from "../text/ip";
import { out } from "../proto/writer";
import { writeSignedDecimal } from "../text/digits";
import { writeMAC } from "../text/mac";
import {
  endpointTypeText, rejections, skipped, S_LINK, S_REASON, S_TEXT, S_TEXT_LENGTH, SKIP_ALREADY_ADDED, SKIP_LOOPBACK,
  SKIP_NO_ADDRESSES,
} from "./endpoints";

// The first field of a line, a character: exported so the host reads lines by the core's own tags.
export const REPORT_ENDPOINT = 0x45; // "E"
export const REPORT_SKIPPED = 0x53; // "S"
export const REPORT_NO_PAIR = 0x2d; // "-", the pair index of an endpoint without one

export function writeReport(outPtr: usize, capacity: i32): i32 {
  const needed = reportBound();
  if (needed > capacity) {
    reportNeeded = needed;
    return ERR_OUTPUT_TOO_SMALL;
  }
  out.pos = outPtr;
  for (let row = 0; row < endpoints.rows; row++) writeEndpointLine(row);
  for (let row = 0; row < skipped.rows; row++) writeSkippedLine(row);
  return <i32>(out.pos - outPtr);
}

export let reportNeeded: i32 = 0;

/** Each link's name and the text of its addresses, for the host's hint probes. */
export function writeLinkSummary(outPtr: usize, capacity: i32): i32 {
  let needed = 0;
  for (let link = 0; link < links.rows; link++) needed += 2 + linkNameLength(link);
  for (let addr = 0; addr < addrs.rows; addr++) needed += 2 + max(45, 1 + 2 * addrs.get(addr, A_IP_LENGTH));
  if (needed > capacity) {
    reportNeeded = needed;
    return ERR_OUTPUT_TOO_SMALL;
  }
  out.pos = outPtr;
  for (let link = 0; link < links.rows; link++) {
    out.bytes(linkName(link), linkNameLength(link));
    const chain = findChain(links.get(link, L_INDEX));
    let addr = chain == NONE ? NONE : chains.get(chain, C_ADDR_HEAD);
    while (addr != NONE) {
      out.byte(9);
      writeIP(inputBase + <usize>addrs.get(addr, A_IP), addrs.get(addr, A_IP_LENGTH));
      addr = addrs.get(addr, 0);
    }
    out.byte(10);
  }
  return <i32>(out.pos - outPtr);
}

function writeEndpointLine(row: i32): void {
  out.byte(REPORT_ENDPOINT);
  out.byte(9);
  writeField(endpointName(row), endpointNameLength(row));
  out.byte(9);
  const typeLength = endpoints.get(row, E_TYPE_LENGTH);
  if (typeLength == NONE) ascii(endpointTypeText(endpoints.get(row, E_TYPE)));
  else writeField(inputBase + <usize>endpoints.get(row, E_TYPE), typeLength);
  out.byte(9);
  const pair = pairIndex(row);
  if (pair < 0) out.byte(REPORT_NO_PAIR);
  else writeSignedDecimal(pair);
  out.byte(9);
  const hw = inputBase + <usize>endpoints.get(row, E_HW);
  const hwLength = endpoints.get(row, E_HW_LENGTH);
  if (endpoints.get(row, E_HW_IS_TEXT)) writeField(hw, hwLength);
  else writeMAC(hw, hwLength);
  out.byte(10);
}

function writeSkippedLine(row: i32): void {
  const link = skipped.get(row, S_LINK);
  out.byte(REPORT_SKIPPED);
  out.byte(9);
  writeField(linkName(link), linkNameLength(link));
  out.byte(9);
  const reason = skipped.get(row, S_REASON);
  if (reason == SKIP_NO_ADDRESSES) ascii("no-addresses");
  else if (reason == SKIP_LOOPBACK) ascii("loopback");
  else if (reason == SKIP_ALREADY_ADDED) ascii("already-added");
  else writeField(rejections.ptr + <usize>skipped.get(row, S_TEXT), skipped.get(row, S_TEXT_LENGTH));
  out.byte(10);
}

function reportBound(): i32 {
  let bound = 0;
  for (let row = 0; row < endpoints.rows; row++) {
    // every escaped byte takes two
    bound += 64 + 2 * endpointNameLength(row) + 2 * max(0, endpoints.get(row, E_TYPE_LENGTH)) + 3 * endpoints.get(row, E_HW_LENGTH);
  }
  for (let row = 0; row < skipped.rows; row++) {
    bound += 32 + 2 * linkNameLength(skipped.get(row, S_LINK)) + 2 * skipped.get(row, S_TEXT_LENGTH);
  }
  return bound;
}

function writeField(ptr: usize, length: i32): void {
  for (let i = 0; i < length; i++) {
    const c = load<u8>(ptr + <usize>i);
    if (c == 92 || c == 9 || c == 10) {
      out.byte(92);
      out.byte(c == 9 ? 116 : c == 10 ? 110 : 92);
    } else {
      out.byte(c);
    }
  }
}

function ascii(text: string): void {
  for (let i = 0; i < text.length; i++) out.byte(text.charCodeAt(i));
}

