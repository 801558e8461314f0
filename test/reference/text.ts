// Go's `net` package semantics for the values Kata prints or tests: IP.String (RFC 5952,
// IPv4-mapped dotted), IP.To4, IP.IsLoopback, IP.Equal, IPMask.Size, IPNet.String and
// HardwareAddr.String, including their answers for nil and odd-length slices.

import type { HardwareAddr, IP, IPMask, IPNet } from "./model.ts";

const hexDigits = "0123456789abcdef";

function hexBytes(bytes: Uint8Array): string {
  let text = "";
  for (const byte of bytes) text += hexDigits[byte >> 4] + hexDigits[byte & 15];
  return text;
}

function isV4InV6Prefix(ip: Uint8Array): boolean {
  for (let i = 0; i < 10; i++) if (ip[i] !== 0) return false;
  return ip[10] === 0xff && ip[11] === 0xff;
}

/** `IP.To4()`: the 4-byte form of an IPv4 or IPv4-mapped IPv6 address, else null. */
export function to4(ip: IP): Uint8Array | null {
  if (ip === null) return null;
  if (ip.length === 4) return ip;
  if (ip.length === 16 && isV4InV6Prefix(ip)) return ip.subarray(12, 16);
  return null;
}

/** `IP.Equal`: a 4-byte and an IPv4-mapped 16-byte address are the same address. */
export function ipEqual(a: IP, b: IP): boolean {
  const x = a ?? new Uint8Array(0);
  const y = b ?? new Uint8Array(0);
  if (x.length === y.length) return x.every((byte, i) => byte === y[i]);
  if (x.length === 4 && y.length === 16) return isV4InV6Prefix(y) && x.every((byte, i) => byte === y[12 + i]);
  if (x.length === 16 && y.length === 4) return ipEqual(y, x);
  return false;
}

const ipv6Loopback = Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1);

export function isLoopback(ip: IP): boolean {
  const ip4 = to4(ip);
  if (ip4 !== null) return ip4[0] === 127;
  return ipEqual(ip, ipv6Loopback);
}

export function ipString(ip: IP): string {
  if (ip === null || ip.length === 0) return "<nil>";
  const ip4 = to4(ip);
  if (ip4 !== null) return `${ip4[0]}.${ip4[1]}.${ip4[2]}.${ip4[3]}`;
  if (ip.length !== 16) return "?" + hexBytes(ip);

  // The longest run of two or more zero groups becomes "::"; the first one wins a tie.
  let runStart = -1;
  let runEnd = -1;
  for (let i = 0; i < 16; i += 2) {
    let j = i;
    while (j < 16 && ip[j] === 0 && ip[j + 1] === 0) j += 2;
    if (j > i && j - i > runEnd - runStart) {
      runStart = i;
      runEnd = j;
      i = j;
    }
  }
  if (runEnd - runStart <= 2) runStart = runEnd = -1;

  let text = "";
  for (let i = 0; i < 16; i += 2) {
    if (i === runStart) {
      text += "::";
      i = runEnd;
      if (i >= 16) break;
    } else if (i > 0) {
      text += ":";
    }
    text += ((ip[i] << 8) | ip[i + 1]).toString(16);
  }
  return text;
}

/** Go's simpleMaskLength: the prefix length of a canonical mask, -1 otherwise. */
function canonicalMaskLength(mask: Uint8Array): number {
  let ones = 0;
  for (let i = 0; i < mask.length; i++) {
    let byte = mask[i];
    if (byte === 0xff) {
      ones += 8;
      continue;
    }
    while (byte & 0x80) {
      ones++;
      byte = (byte << 1) & 0xff;
    }
    if (byte !== 0) return -1;
    for (i++; i < mask.length; i++) if (mask[i] !== 0) return -1;
    break;
  }
  return ones;
}

/** `IPMask.Size()`: [ones, bits], or [0, 0] for a nil or non-canonical mask. */
export function maskSize(mask: IPMask): [number, number] {
  if (mask === null) return [0, 0];
  const ones = canonicalMaskLength(mask);
  return ones === -1 ? [0, 0] : [ones, mask.length * 8];
}

/** `IPNet.String()`: the IP is printed unmasked; mismatched IP and mask lengths give "<nil>". */
export function ipNetString(net: IPNet): string {
  let ip = to4(net.ip);
  if (ip === null) {
    ip = net.ip;
    if (ip === null || ip.length !== 16) return "<nil>";
  }
  let mask = net.mask;
  if (mask === null) return "<nil>";
  if (mask.length === 4) {
    if (ip.length !== 4) return "<nil>";
  } else if (mask.length === 16) {
    if (ip.length === 4) mask = mask.subarray(12);
  } else {
    return "<nil>";
  }
  const ones = canonicalMaskLength(mask);
  return ipString(ip) + "/" + (ones === -1 ? hexBytes(mask) : String(ones));
}

export function hardwareAddrString(address: HardwareAddr): string {
  if (address === null || address.length === 0) return "";
  let text = hexDigits[address[0] >> 4] + hexDigits[address[0] & 15];
  for (let i = 1; i < address.length; i++) text += ":" + hexDigits[address[i] >> 4] + hexDigits[address[i] & 15];
  return text;
}
