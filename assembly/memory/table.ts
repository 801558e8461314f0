// A table of fixed-size records of i32 fields, stored flat. Decoders append rows; the
// converter reads them by (row, field). Rows live until the next `clear`.

export class Table {
  rows: i32 = 0;
  private data: StaticArray<i32>;

  constructor(readonly stride: i32) {
    this.data = new StaticArray<i32>(stride * 64);
  }

  clear(): void {
    this.rows = 0;
  }

  /** Appends a zeroed row and returns its index. */
  add(): i32 {
    const needed = (this.rows + 1) * this.stride;
    if (needed > this.data.length) this.grow(needed);
    const row = this.rows++;
    // Rows are short: plain stores beat a bulk fill call here.
    const start = row * this.stride;
    for (let field = 0; field < this.stride; field++) unchecked((this.data[start + field] = 0));
    return row;
  }

  @inline get(row: i32, field: i32): i32 {
    return unchecked(this.data[row * this.stride + field]);
  }

  @inline set(row: i32, field: i32, value: i32): void {
    unchecked((this.data[row * this.stride + field] = value));
  }

  private grow(needed: i32): void {
    let length = this.data.length << 1;
    while (length < needed) length <<= 1;
    const grown = new StaticArray<i32>(length);
    memory.copy(changetype<usize>(grown), changetype<usize>(this.data), (<usize>this.rows * this.stride) << 2);
    this.data = grown;
  }
}
