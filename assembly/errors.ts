// Errors leave the core as a negative return code plus a text the host reads back.
// Texts are built byte by byte into fixed buffers (no managed strings): a fuzzer may
// trigger millions of errors and the stub runtime never frees.

export const ERR_MALFORMED: i32 = -1; // the input is not what it claims to be
export const ERR_KATA: i32 = -2; // Kata itself would fail; the text is Go's
export const ERR_OUTPUT_TOO_SMALL: i32 = -3; // one element needs more room: see neededCapacity
export const ERR_USAGE: i32 = -4; // the host called the ABI out of order or with bad arguments

const TEXT_CAPACITY: i32 = 1024;

/** A bounded byte buffer for an error text or a name; overflow is cut, never written past. */
export class TextBuffer {
  readonly ptr: usize = heap.alloc(<usize>TEXT_CAPACITY);
  length: i32 = 0;

  clear(): TextBuffer {
    this.length = 0;
    return this;
  }

  byte(value: i32): TextBuffer {
    if (this.length < TEXT_CAPACITY) {
      store<u8>(this.ptr + <usize>this.length, <u8>value);
      this.length++;
    }
    return this;
  }

  /** ASCII literals only: every message text here is ours and plain ASCII. */
  ascii(text: string): TextBuffer {
    for (let i = 0; i < text.length; i++) this.byte(text.charCodeAt(i));
    return this;
  }

  bytes(ptr: usize, length: i32): TextBuffer {
    for (let i = 0; i < length; i++) this.byte(load<u8>(ptr + <usize>i));
    return this;
  }

  decimal(value: i64): TextBuffer {
    if (value < 0) {
      this.byte(45);
      // -(i64.MIN) overflows; print via the unsigned path.
      return this.unsigned(<u64>(-(value + 1)) + 1);
    }
    return this.unsigned(<u64>value);
  }

  unsigned(value: u64): TextBuffer {
    const start = this.length;
    do {
      this.byte(48 + <i32>(value % 10));
      value /= 10;
    } while (value != 0);
    // digits were written least significant first
    for (let i = start, j = this.length - 1; i < j; i++, j--) {
      const a = load<u8>(this.ptr + <usize>i);
      store<u8>(this.ptr + <usize>i, load<u8>(this.ptr + <usize>j));
      store<u8>(this.ptr + <usize>j, a);
    }
    return this;
  }
}

export class ErrorState {
  code: i32 = 0;
  offset: i32 = -1;
  readonly text: TextBuffer = new TextBuffer();
  readonly subject: TextBuffer = new TextBuffer(); // the interface Kata was processing

  reset(): void {
    this.code = 0;
    this.offset = -1;
    this.text.clear();
    this.subject.clear();
  }

  /** Starts a malformed-input error at a byte offset of the input; the caller appends details. */
  malformed(offset: i32): TextBuffer {
    if (this.code == 0) {
      this.code = ERR_MALFORMED;
      this.offset = offset;
      this.text.clear();
      return this.text;
    }
    return scratch.clear(); // keep the first error; later details go nowhere
  }

  /** Starts a Kata error (Go's text, exactly) about the named interface. */
  kata(namePtr: usize, nameLength: i32): TextBuffer {
    this.code = ERR_KATA;
    this.subject.clear().bytes(namePtr, nameLength);
    return this.text.clear();
  }

  get failed(): bool {
    return this.code != 0;
  }
}

const scratch = new TextBuffer();
export const lastError = new ErrorState();
