// Kata's PciPath: parsed by PciPathFromString (slots of at most 5 bits, in hex, split
// on '/') and printed by String() as two lower-case hex digits per slot.
import { lastError } from "../errors";
import { out } from "../proto/writer";
import { hexDigit, writeHexByte } from "../text/digits";

const MAX_SLOT: u32 = 0x1f;

/** Checks a PCI path; on failure records an error naming the endpoint and the token. */
export function checkPciPath(ptr: usize, length: i32, namePtr: usize, nameLength: i32, offset: i32): bool {
  if (length == 0) return true;
  let token = 0;
  let start = 0;
  for (let i = 0; i <= length; i++) {
    if (i < length && load<u8>(ptr + <usize>i) != 47) continue;
    if (slotValue(ptr + <usize>start, i - start) < 0) {
      lastError
        .malformed(offset)
        .ascii("PCI path \"")
        .bytes(ptr, length)
        .ascii("\" of ")
        .bytes(namePtr, nameLength)
        .ascii(": token ")
        .decimal(token)
        .ascii(" is not a slot number in hex from 0 to 1f");
      return false;
    }
    token++;
    start = i + 1;
  }
  return true;
}

/** Writes a checked path in its canonical form; an empty path stays empty. */
export function writePciPath(ptr: usize, length: i32): void {
  if (length <= 0) return;
  let start = 0;
  for (let i = 0; i <= length; i++) {
    if (i < length && load<u8>(ptr + <usize>i) != 47) continue;
    if (start > 0) out.byte(47);
    writeHexByte(<u32>slotValue(ptr + <usize>start, i - start));
    start = i + 1;
  }
}

/** strconv.ParseUint(token, 16, 5), or -1 where Go reports a syntax or range error. */
function slotValue(ptr: usize, length: i32): i32 {
  if (length == 0) return -1;
  let value: u32 = 0;
  for (let i = 0; i < length; i++) {
    const digit = hexDigit(load<u8>(ptr + <usize>i));
    if (digit < 0) return -1;
    value = (value << 4) | <u32>digit;
    if (value > MAX_SLOT) return -1;
  }
  return <i32>value;
}
