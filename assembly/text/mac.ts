// Go's net.HardwareAddr.String(): lower-case two-digit hex bytes joined by ':', any length.
import { out } from "../proto/writer";
import { hexByteAt } from "./digits";

export function writeMAC(ptr: usize, length: i32): void {
  if (length <= 0) return;
  let pos = hexByteAt(load<u8>(ptr), out.pos);
  for (let i = 1; i < length; i++) {
    store<u8>(pos, 58);
    pos = hexByteAt(load<u8>(ptr + <usize>i), pos + 1);
  }
  out.pos = pos;
}
