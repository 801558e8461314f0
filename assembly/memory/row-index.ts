// A hash index from a 32-bit hash to table rows. It only narrows the search: callers
// compare each candidate row themselves, since different keys may share a hash.

const EMPTY: i32 = -1;

export class RowIndex {
  private slots: usize = heap.alloc(64 << 3); // (hash u32, row i32) pairs
  private mask: i32 = 63;
  private count: i32 = 0;
  private cursor: i32 = 0;
  private wanted: u32 = 0;

  constructor() {
    this.clear();
  }

  clear(): void {
    this.count = 0;
    for (let i = 0; i <= this.mask; i++) store<i32>(this.slotAt(i), EMPTY, 4);
  }

  add(hash: u32, row: i32): void {
    if ((this.count + 1) * 2 > this.mask) this.grow();
    let index = <i32>(hash & <u32>this.mask);
    while (load<i32>(this.slotAt(index), 4) != EMPTY) index = (index + 1) & this.mask;
    store<u32>(this.slotAt(index), hash);
    store<i32>(this.slotAt(index), row, 4);
    this.count++;
  }

  /** Starts listing the rows added with `hash`; `next` returns them, then EMPTY. */
  find(hash: u32): void {
    this.wanted = hash;
    this.cursor = <i32>(hash & <u32>this.mask);
  }

  next(): i32 {
    while (true) {
      const at = this.slotAt(this.cursor);
      const row = load<i32>(at, 4);
      if (row == EMPTY) return EMPTY;
      this.cursor = (this.cursor + 1) & this.mask;
      if (load<u32>(at) == this.wanted) return row;
    }
  }

  @inline private slotAt(index: i32): usize {
    return this.slots + (<usize>index << 3);
  }

  private grow(): void {
    const old = this.slots;
    const oldMask = this.mask;
    this.mask = (this.mask << 1) | 1;
    this.slots = heap.alloc(<usize>(this.mask + 1) << 3);
    this.clear();
    for (let i = 0; i <= oldMask; i++) {
      const row = load<i32>(old + (<usize>i << 3), 4);
      if (row != EMPTY) this.add(load<u32>(old + (<usize>i << 3)), row);
    }
    heap.free(old);
  }
}

/** FNV-1a over bytes: names are short, and this only has to spread them. */
export function hashBytes(ptr: usize, length: i32): u32 {
  let hash: u32 = 2166136261;
  for (let i = 0; i < length; i++) hash = (hash ^ load<u8>(ptr + <usize>i)) * 16777619;
  return hash;
}

export function hashInteger(value: i64): u32 {
  return (<u32>value ^ <u32>(value >>> 32)) * 2654435761;
}
