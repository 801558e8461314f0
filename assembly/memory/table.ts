// A table of fixed-size records of i32 fields, stored flat in raw memory. Decoders append
// rows; the converter reads them by (row, field). Rows live until the next `clear`.
//
// Every row past `rows` is kept zeroed, so `add` only counts: `clear` zeroes the used
// rows with one bulk fill, and growth zeroes the new space. (Zeroing each row as it was
// added cost a loop of stores per row, with the stride reloaded from memory.)

export class Table {
  rows: i32 = 0;
  private data: usize;
  private capacity: i32 = 64; // rows

  constructor(readonly stride: i32) {
    this.data = heap.alloc(<usize>(this.capacity * stride) << 2);
    this.zero(0, this.capacity);
  }

  clear(): void {
    this.zero(0, this.rows);
    this.rows = 0;
  }

  /** Makes room for `rows` rows up front, so a big input fills its table without regrowth. */
  reserve(rows: i32): void {
    if (rows <= this.capacity || this.rows > 0) return;
    heap.free(this.data);
    this.capacity = rows;
    this.data = heap.alloc(<usize>(rows * this.stride) << 2);
    this.zero(0, rows);
  }

  /** Appends a zeroed row and returns its index. */
  @inline add(): i32 {
    if (this.rows == this.capacity) this.grow();
    return this.rows++;
  }

  /** Takes the last row back (a scratch row), zeroed as every row past `rows` is. */
  removeLast(): void {
    this.rows--;
    this.zero(this.rows, this.rows + 1);
  }

  @inline rowAt(row: i32): usize {
    return this.data + (<usize>(row * this.stride) << 2);
  }

  @inline get(row: i32, field: i32): i32 {
    return load<i32>(this.data + (<usize>(row * this.stride + field) << 2));
  }

  @inline set(row: i32, field: i32, value: i32): void {
    store<i32>(this.data + (<usize>(row * this.stride + field) << 2), value);
  }

  /** Reorders the rows: row i becomes the old row `order[i]` (an i32 array in memory). */
  permute(order: usize): void {
    const rowBytes = <usize>this.stride << 2;
    const moved = heap.alloc(<usize>this.capacity * rowBytes);
    for (let i = 0; i < this.rows; i++) {
      const from = <usize>load<i32>(order + (<usize>i << 2));
      memory.copy(moved + <usize>i * rowBytes, this.data + from * rowBytes, rowBytes);
    }
    heap.free(this.data);
    this.data = moved;
    this.zero(this.rows, this.capacity);
  }

  private grow(): void {
    // 1.5x: the allocator frees or extends the old block, so the peak stays near the need
    const old = this.capacity;
    this.capacity += this.capacity >> 1;
    this.data = heap.realloc(this.data, <usize>(this.capacity * this.stride) << 2);
    this.zero(old, this.capacity);
  }

  /** Zeroes rows [from, to). */
  private zero(from: i32, to: i32): void {
    memory.fill(this.rowAt(from), 0, <usize>((to - from) * this.stride) << 2);
  }
}

// Fields of a row by its address (`Table.rowAt`). Hot loops keep the address in a local:
// `get`/`set` reload the table's data pointer and stride from memory at every access.
@inline export function fieldAt(row: usize, field: i32): i32 {
  return load<i32>(row + (<usize>field << 2));
}

@inline export function setFieldAt(row: usize, field: i32, value: i32): void {
  store<i32>(row + (<usize>field << 2), value);
}
