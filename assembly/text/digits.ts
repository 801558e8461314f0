// Digit writers shared by the IP, MAC and number formatters.
import { out } from "../proto/writer";

const HEX_DIGITS = memory.data<u8>([48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 97, 98, 99, 100, 101, 102]);

// The `...At` writers take the write position and return the next one: hot loops keep it
// in a local instead of going through `out.pos` for every byte.

@inline export function hexByteAt(value: u32, pos: usize): usize {
  store<u8>(pos, load<u8>(HEX_DIGITS + <usize>(value >> 4)));
  store<u8>(pos, load<u8>(HEX_DIGITS + <usize>(value & 15)), 1);
  return pos + 2;
}

@inline export function writeHexByte(value: u32): void {
  out.pos = hexByteAt(value, out.pos);
}

/** Lower-case hex without leading zeros, as Go's IPv6 groups are printed (`value` < 0x10000). */
export function hexGroupAt(value: u32, pos: usize): usize {
  const digits = value == 0 ? 1 : (35 - <i32>clz(value)) >> 2; // 4 bits a digit, at least one
  const end = pos + <usize>digits;
  let at = end;
  do {
    store<u8>(--at, load<u8>(HEX_DIGITS + <usize>(value & 15)));
    value >>= 4;
  } while (at > pos);
  return end;
}

// "0".."255" as (length, three digits) per value: IPv4 octets are most of the numbers written.
const BYTE_DECIMALS = buildByteDecimals();

function buildByteDecimals(): usize {
  const table = heap.alloc(256 * 4);
  for (let value: u32 = 0; value < 256; value++) {
    const entry = table + (<usize>value << 2);
    const length: u32 = value >= 100 ? 3 : value >= 10 ? 2 : 1;
    store<u8>(entry, <u8>length);
    let rest = value;
    for (let i = length; i > 0; i--) {
      store<u8>(entry + <usize>i, <u8>(48 + rest % 10));
      rest /= 10;
    }
  }
  return table;
}

/** Stores all three digit slots at once and advances by the real length (element bounds leave room). */
@inline export function byteDecimalAt(value: u32, pos: usize): usize {
  const entry = BYTE_DECIMALS + (<usize>value << 2);
  store<u16>(pos, load<u16>(entry, 1));
  store<u8>(pos, load<u8>(entry, 3), 2);
  return pos + <usize>load<u8>(entry);
}

export function decimalAt(value: u64, pos: usize): usize {
  if (value < 256) return byteDecimalAt(<u32>value, pos);
  const end = pos + <usize>decimalDigits(value);
  let at = end;
  // 32-bit division is much cheaper in Wasm: use it once the value fits
  while (value > <u64>u32.MAX_VALUE) {
    store<u8>(--at, 48 + <u8>(value % 10));
    value /= 10;
  }
  let small = <u32>value;
  while (small != 0) {
    store<u8>(--at, 48 + <u8>(small % 10));
    small /= 10;
  }
  return end;
}

export function writeDecimal(value: u64): void {
  out.pos = decimalAt(value, out.pos);
}

export function writeSignedDecimal(value: i64): void {
  if (value < 0) {
    out.byte(45);
    writeDecimal(<u64>0 - <u64>value);
  } else {
    writeDecimal(<u64>value);
  }
}

function decimalDigits(value: u64): i32 {
  let digits = 1;
  while (value >= 10) {
    value /= 10;
    digits++;
  }
  return digits;
}

/** A hex digit's value, either case; -1 for any other byte. */
export function hexDigit(c: u8): i32 {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}
