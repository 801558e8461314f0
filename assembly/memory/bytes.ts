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

/**
 * An append-only byte log in its own region: writers reserve room for a bound, write at
 * the returned address, and commit where they stopped. Entries are kept as offsets, since
 * growth may move the region.
 */
export class ByteLog {
  length: u32 = 0;
  private readonly region: ByteRegion = new ByteRegion();

  clear(): void {
    this.length = 0;
  }

  /** Where to write up to `bound` bytes. */
  reserve(bound: u32): usize {
    return this.region.ensure(this.length + bound, this.length) + <usize>this.length;
  }

  /** Keeps what was written up to `end` (an address from the last `reserve`); returns the entry's offset. */
  commit(start: usize, end: usize): i32 {
    const offset = this.length;
    this.length += <u32>(end - start);
    return <i32>offset;
  }

  @inline at(offset: i32): usize {
    return this.region.ptr + <usize>offset;
  }
}

/** One byte per entry, appended in order (a verdict per decoded message, say). */
export class ByteList {
  length: i32 = 0;
  private readonly region: ByteRegion = new ByteRegion();

  clear(): void {
    this.length = 0;
  }

  @inline push(value: u8): void {
    const ptr = this.length < <i32>this.region.capacity ? this.region.ptr : this.region.ensure(<u32>this.length + 1, <u32>this.length);
    store<u8>(ptr + <usize>this.length, value);
    this.length++;
  }

  @inline at(index: i32): u8 {
    return load<u8>(this.region.ptr + <usize>index);
  }
}
