// Go's net.IP, net.IPMask and net.IPNet text forms and predicates, over byte slices in
// Wasm memory. A slice is (ptr, length); length NIL is Go's nil. Go 1.19 rules:
// IPv4 and IPv4-mapped IPv6 print dotted; other 16-byte IPs print RFC 5952 style; any
// other length prints "?" and hex; an empty or nil IP prints "<nil>".
import { out } from "../proto/writer";
import { byteDecimalAt, hexGroupAt, writeDecimal, writeHexByte } from "./digits";

export const NIL: i32 = -1;

/** Offset of the IPv4 bytes inside the slice when Go's To4() is non-nil, else -1. */
export function ipv4Offset(ptr: usize, length: i32): i32 {
  if (length == 4) return 0;
  if (length != 16) return -1;
  for (let i = 0; i < 10; i++) if (load<u8>(ptr + <usize>i) != 0) return -1;
  if (load<u8>(ptr + 10) != 0xff || load<u8>(ptr + 11) != 0xff) return -1;
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

export function writeIP(ptr: usize, length: i32): void {
  if (length <= 0) {
    writeNilText();
    return;
  }
  const v4 = ipv4Offset(ptr, length);
  if (v4 >= 0) {
    out.pos = dottedAt(ptr + <usize>v4, out.pos);
  } else if (length == 16) {
    out.pos = ipv6At(ptr, out.pos);
  } else {
    out.byte(63); // '?'
    for (let i = 0; i < length; i++) writeHexByte(load<u8>(ptr + <usize>i));
  }
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
  return (<u32>load<u8>(ptr + <usize>index) << 8) | load<u8>(ptr + <usize>index + 1);
}

function ipv6At(ptr: usize, pos: usize): usize {
  // The longest run of two or more zero groups (the first on a tie) becomes "::".
  let runStart = -1;
  let runEnd = -1;
  for (let i = 0; i < 16; i += 2) {
    let j = i;
    while (j < 16 && group(ptr, j) == 0) j += 2;
    if (j > i && j - i > runEnd - runStart) {
      runStart = i;
      runEnd = j;
      i = j;
    }
  }
  if (runEnd - runStart <= 2) {
    runStart = -1;
    runEnd = -1;
  }
  for (let i = 0; i < 16; i += 2) {
    if (i == runStart) {
      store<u16>(pos, 0x3a3a); // "::"
      pos += 2;
      i = runEnd;
      if (i >= 16) break;
    } else if (i > 0) {
      store<u8>(pos++, 58);
    }
    pos = hexGroupAt(group(ptr, i), pos);
  }
  return pos;
}

function writeNilText(): void {
  out.byte(60); // "<nil>"
  out.byte(110);
  out.byte(105);
  out.byte(108);
  out.byte(62);
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
export function writeIPNet(ipPtr: usize, ipLength: i32, maskKind: i32, a: i32, b: i32): void {
  const v4 = ipv4Offset(ipPtr, ipLength);
  const netLength = v4 >= 0 ? 4 : ipLength;
  if (v4 < 0 && ipLength != 16) {
    writeNilText();
    return;
  }
  const maskLength = maskKind == MASK_CIDR ? b >> 3 : maskKind == MASK_BYTES ? b : 0;
  if (maskLength != 4 && maskLength != 16) {
    writeNilText();
    return;
  }
  if (maskLength == 4 && netLength != 4) {
    writeNilText();
    return;
  }
  const tail = maskLength == 16 && netLength == 4; // Go slices the mask to its last 4 bytes
  out.pos = v4 >= 0 ? dottedAt(ipPtr + <usize>v4, out.pos) : ipv6At(ipPtr, out.pos);
  out.byte(47); // '/'
  if (maskKind == MASK_CIDR) {
    writeDecimal(<u64>(tail ? max(0, a - 96) : a));
    return;
  }
  const maskPtr = <usize>a + (tail ? 12 : 0);
  const bytes = tail ? 4 : b;
  const ones = simpleMaskLength(maskPtr, bytes);
  if (ones >= 0) {
    writeDecimal(<u64>ones);
  } else {
    for (let i = 0; i < bytes; i++) writeHexByte(load<u8>(maskPtr + <usize>i));
  }
}
