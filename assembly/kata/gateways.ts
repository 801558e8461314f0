// Kata compares a neighbour with the default gateways by their IP.String() text, so a
// 4-byte and a 16-byte (mapped) form of one IPv4 address match. Both are formatted into
// scratch memory and compared there.
import { ByteRegion } from "../memory/bytes";
import { out } from "../proto/writer";
import { writeIP } from "../text/ip";

const scratch = new ByteRegion();

export function sameIPText(a: usize, aLength: i32, b: usize, bLength: i32): bool {
  const room = <u32>(2 * (max(aLength, 0) + max(bLength, 0)) + 128);
  const start = scratch.ensure(room);
  const saved = out.pos;
  out.pos = start;
  writeIP(a, aLength);
  const middle = out.pos;
  writeIP(b, bLength);
  const end = out.pos;
  out.pos = saved;
  const firstLength = middle - start;
  return firstLength == end - middle && memory.compare(start, middle, firstLength) == 0;
}
