// Go's net.HardwareAddr.String(): lower-case two-digit hex bytes joined by ':', any length.
import { out } from "../proto/writer";
import { writeHexByte } from "./digits";

export function writeMAC(ptr: usize, length: i32): void {
  for (let i = 0; i < length; i++) {
    if (i > 0) out.byte(58);
    writeHexByte(load<u8>(ptr + <usize>i));
  }
}
