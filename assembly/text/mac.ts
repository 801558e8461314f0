// Go's net.HardwareAddr.String(): lower-case two-digit hex bytes joined by ':', any length.
import { out } from "../proto/writer";
import { hexByteAt } from "./digits";

export function macAt(ptr: usize, length: i32, pos: usize): usize {
  if (length <= 0) return pos;
  pos = hexByteAt(load<u8>(ptr), pos);
  for (let i = 1; i < length; i++) {
    store<u8>(pos, 58);
    pos = hexByteAt(load<u8>(ptr + <usize>i), pos + 1);
  }
  return pos;
}

export function writeMAC(ptr: usize, length: i32): void {
  out.pos = macAt(ptr, length, out.pos);
}
