// Go's net.IP, net.IPMask and net.IPNet text forms and predicates, over byte slices in
// Wasm memory. A slice is (ptr, length); length NIL is Go's nil. Go 1.19 rules:
// IPv4 and IPv4-mapped IPv6 print dotted; other 16-byte IPs print RFC 5952 style; any
// other length prints "?" and hex; an empty or nil IP prints "<nil>".
import { byteAt, out } from "../proto/writer";
import { byteDecimalAt, decimalAt, hexByteAt, hexGroupAt } from "./digits";

export const NIL: i32 = -1;

/** Offset of the IPv4 bytes inside the slice when Go's To4() is non-nil, else -1. */
export function ipv4Offset(ptr: usize, length: i32): i32 {
  if (length == 4) return 0;
  if (length != 16) return -1;
  // ten zero bytes, then 0xff 0xff (unaligned loads are fine in Wasm)
  if (load<u64>(ptr) != 0 || load<u32>(ptr, 8) != 0xffff0000) return -1;
  return 12;
}

export function isIPv4(ptr: usize, length: i32): bool {
  return ipv4Offset(ptr, length) >= 0;
}

/** Go's IP.IsLoopback: 127/8 (4-byte or mapped) or exactly ::1. */
export function isLoopback(ptr: usize, length: i32): bool {
  const v4 = ipv4Offset(ptr, length);
  if (v4 >= 0) return load<u8>(ptr + <usize>v4) == 127;
  if (length != 16) return false;
  for (let i = 0; i < 15; i++) if (load<u8>(ptr + <usize>i) != 0) return false;
  return load<u8>(ptr + 15) == 1;
}

export function ipAt(ptr: usize, length: i32, pos: usize): usize {
  if (length <= 0) return nilTextAt(pos);
  const v4 = ipv4Offset(ptr, length);
  if (v4 >= 0) return dottedAt(ptr + <usize>v4, pos);
  if (length == 16) return ipv6At(ptr, pos);
  pos = byteAt(63, pos); // '?'
  for (let i = 0; i < length; i++) pos = hexByteAt(load<u8>(ptr + <usize>i), pos);
  return pos;
}

export function writeIP(ptr: usize, length: i32): void {
  out.pos = ipAt(ptr, length, out.pos);
}

function dottedAt(ptr: usize, pos: usize): usize {
  pos = byteDecimalAt(load<u8>(ptr), pos);
  for (let i = 1; i < 4; i++) {
    store<u8>(pos, 46);
    pos = byteDecimalAt(load<u8>(ptr + <usize>i), pos + 1);
  }
  return pos;
}

@inline function group(ptr: usize, index: i32): u32 {
  return <u32>bswap<u16>(load<u16>(ptr + (<usize>index << 1))); // big-endian on the wire
}

function ipv6At(ptr: usize, pos: usize): usize {
  // The longest run of two or more zero groups (the first on a tie) becomes "::".
  let runStart = -1;
  let runLength = 1;
  let start = 0;
  let length = 0;
  for (let i = 0; i < 8; i++) {
    if (load<u16>(ptr + (<usize>i << 1)) != 0) {
      length = 0;
      continue;
    }
    if (length++ == 0) start = i;
    if (length > runLength) {
      runStart = start;
      runLength = length;
    }
  }
  for (let i = 0; i < 8; i++) {
    if (i == runStart) {
      pos = store2At(0x3a3a, pos); // "::"
      i += runLength;
      if (i >= 8) break;
    } else if (i > 0) {
      pos = byteAt(58, pos);
    }
    pos = hexGroupAt(group(ptr, i), pos);
  }
  return pos;
}

@inline function store2At(twoBytes: u16, pos: usize): usize {
  store<u16>(pos, twoBytes);
  return pos + 2;
}

function nilTextAt(pos: usize): usize {
  store<u32>(pos, 0x6c696e3c); // "<nil"
  store<u8>(pos, 62, 4); // ">"
  return pos + 5;
}

// ---- masks ----
// A mask is either nil, a CIDR mask (ones, bits) as net.CIDRMask builds it, or raw bytes.

export const MASK_NIL: i32 = 0;
export const MASK_CIDR: i32 = 1;
export const MASK_BYTES: i32 = 2;

/** Go's CIDRMask: nil unless bits is 32 or 128 and 0 <= ones <= bits. */
export function cidrMaskKind(ones: i32, bits: i32): i32 {
  if (bits != 32 && bits != 128) return MASK_NIL;
  if (ones < 0 || ones > bits) return MASK_NIL;
  return MASK_CIDR;
}

/** Leading ones of a canonical mask, -1 when ones and zeros interleave. */
export function simpleMaskLength(ptr: usize, length: i32): i32 {
  let ones = 0;
  for (let i = 0; i < length; i++) {
    let value = <u32>load<u8>(ptr + <usize>i);
    if (value == 0xff) {
      ones += 8;
      continue;
    }
    while (value & 0x80) {
      ones++;
      value = (value << 1) & 0xff;
    }
    if (value != 0) return -1;
    for (let k = i + 1; k < length; k++) if (load<u8>(ptr + <usize>k) != 0) return -1;
    break;
  }
  return ones;
}

/** Go's IPMask.Size() ones: 0 for nil and non-canonical masks. */
export function maskOnes(kind: i32, a: i32, b: i32): i32 {
  if (kind == MASK_CIDR) return a;
  if (kind == MASK_BYTES) return max(0, simpleMaskLength(<usize>a, b));
  return 0;
}

/**
 * Go's IPNet.String(): the IP is not masked; a 4-byte IP with a 16-byte mask uses the
 * mask's last 4 bytes; mismatched lengths or a nil mask give "<nil>"; a non-canonical
 * mask is printed in hex after the slash.
 */
export function ipNetAt(ipPtr: usize, ipLength: i32, maskKind: i32, a: i32, b: i32, pos: usize): usize {
  const v4 = ipv4Offset(ipPtr, ipLength);
  const netLength = v4 >= 0 ? 4 : ipLength;
  if (v4 < 0 && ipLength != 16) return nilTextAt(pos);
  const maskLength = maskKind == MASK_CIDR ? b >> 3 : maskKind == MASK_BYTES ? b : 0;
  if (maskLength != 4 && maskLength != 16) return nilTextAt(pos);
  if (maskLength == 4 && netLength != 4) return nilTextAt(pos);
  const tail = maskLength == 16 && netLength == 4; // Go slices the mask to its last 4 bytes
  pos = v4 >= 0 ? dottedAt(ipPtr + <usize>v4, pos) : ipv6At(ipPtr, pos);
  pos = byteAt(47, pos); // '/'
  if (maskKind == MASK_CIDR) return decimalAt(<u64>(tail ? max(0, a - 96) : a), pos);
  const maskPtr = <usize>a + (tail ? 12 : 0);
  const bytes = tail ? 4 : b;
  const ones = simpleMaskLength(maskPtr, bytes);
  if (ones >= 0) return decimalAt(<u64>ones, pos);
  for (let i = 0; i < bytes; i++) pos = hexByteAt(load<u8>(maskPtr + <usize>i), pos);
  return pos;
}

