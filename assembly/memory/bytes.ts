// A growable byte region owned by the core, reused from call to call. Growth goes through
// the allocator's realloc, which extends in place when it can and frees the old block
// when it cannot, so a large scan does not leave copies of its input behind.

export class ByteRegion {
  ptr: usize = 0;
  capacity: u32 = 0;

  /** Makes room for `size` bytes; the first `keep` bytes survive a move. */
  ensure(size: u32, keep: u32 = 0): usize {
    if (size <= this.capacity) return this.ptr;
    let grown = max<u32>(size, this.capacity + (this.capacity >> 1));
    grown = max<u32>(grown, 4096);
    if (this.ptr == 0) {
      this.ptr = heap.alloc(<usize>grown);
    } else if (keep > 0) {
      this.ptr = heap.realloc(this.ptr, <usize>grown);
    } else {
      // nothing to keep: free first, so the allocator can hand the same space back
      heap.free(this.ptr);
      this.ptr = heap.alloc(<usize>grown);
    }
    this.capacity = grown;
    return this.ptr;
  }
}
