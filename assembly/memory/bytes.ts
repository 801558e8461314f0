// A growable byte region owned by the core. The stub runtime never frees, so a region
// grows geometrically and is reused from call to call: the waste stays below its size.

export class ByteRegion {
  ptr: usize = 0;
  capacity: u32 = 0;

  /** Makes room for `size` bytes; keeps the first `keep` bytes when it has to move. */
  ensure(size: u32, keep: u32 = 0): usize {
    if (size <= this.capacity) return this.ptr;
    let grown = max<u32>(size, this.capacity << 1);
    grown = max<u32>(grown, 4096);
    const moved = heap.alloc(<usize>grown);
    if (keep > 0) memory.copy(moved, this.ptr, <usize>min<u32>(keep, this.capacity));
    this.ptr = moved;
    this.capacity = grown;
    return moved;
  }
}
