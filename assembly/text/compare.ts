// Byte-wise comparisons: Go compares strings as bytes, and so does every rule here.

export function bytesEqualAscii(ptr: usize, length: i32, text: string): bool {
  if (length != text.length) return false;
  for (let i = 0; i < length; i++) if (<i32>load<u8>(ptr + <usize>i) != text.charCodeAt(i)) return false;
  return true;
}

export function bytesEqual(a: usize, aLength: i32, b: usize, bLength: i32): bool {
  return aLength == bLength && memory.compare(a, b, <usize>aLength) == 0;
}

/** <0, 0, >0 as Go's `a < b` string order. */
export function compareBytes(a: usize, aLength: i32, b: usize, bLength: i32): i32 {
  const common = min(aLength, bLength);
  const order = memory.compare(a, b, <usize>common);
  return order != 0 ? order : aLength - bLength;
}
