// libc bindings for Deno through Deno.dlopen (needs --allow-ffi). A "buffer" parameter
// passes a pointer to the typed array's own bytes, so recv lands directly in a
// WebAssembly.Memory view. errno is read through __errno_location(), whose address is
// fixed for the calling thread, right after each failing call.

import type { Libc } from "./sys.ts";

// The slice of Deno's FFI API used here, typed locally so this file also compiles under
// tsc (which does not know Deno's globals).
type NativePointer = object | null;
interface DenoFfi {
  dlopen(path: string, symbols: Record<string, { parameters: string[]; result: string }>): {
    symbols: Record<string, (...args: unknown[]) => unknown>;
  };
  UnsafePointer: {
    of(bytes: Uint8Array): NativePointer;
    value(pointer: NativePointer): bigint | number;
  };
  UnsafePointerView: {
    new (pointer: NativePointer): { getInt32(offset?: number): number };
    getCString(pointer: NativePointer): string;
  };
}

const SYMBOLS = {
  socket: { parameters: ["i32", "i32", "i32"], result: "i32" },
  bind: { parameters: ["i32", "buffer", "u32"], result: "i32" },
  setsockopt: { parameters: ["i32", "i32", "i32", "buffer", "u32"], result: "i32" },
  getsockopt: { parameters: ["i32", "i32", "i32", "buffer", "buffer"], result: "i32" },
  sendto: { parameters: ["i32", "buffer", "usize", "i32", "buffer", "u32"], result: "isize" },
  recv: { parameters: ["i32", "buffer", "usize", "i32"], result: "isize" },
  read: { parameters: ["i32", "buffer", "usize"], result: "isize" },
  write: { parameters: ["i32", "buffer", "usize"], result: "isize" },
  open: { parameters: ["buffer", "i32"], result: "i32" },
  close: { parameters: ["i32"], result: "i32" },
  setns: { parameters: ["i32", "i32"], result: "i32" },
  // A fixed third argument: passing one pointer through ioctl's `...` is the same call
  // on the Linux x86-64 and aarch64 ABIs.
  ioctl: { parameters: ["i32", "u64", "buffer"], result: "i32" },
  readlink: { parameters: ["buffer", "buffer", "usize"], result: "isize" },
  unshare: { parameters: ["i32"], result: "i32" },
  mount: { parameters: ["buffer", "buffer", "buffer", "u64", "buffer"], result: "i32" },
  umount2: { parameters: ["buffer", "i32"], result: "i32" },
  // Fixed arguments for syscall's `...`: integers pass the same way on x86-64 and aarch64.
  syscall: { parameters: ["i64", "i64", "i64"], result: "i64" },
  malloc_trim: { parameters: ["usize"], result: "i32" },
  strerror: { parameters: ["i32"], result: "pointer" },
  __errno_location: { parameters: [], result: "pointer" },
};

/** The same number on every Linux architecture (the unified syscall table). */
const SYS_PIDFD_OPEN = 434;

type Call = (...args: unknown[]) => unknown;
const integer = (value: unknown): number => Number(value);

export function loadLibc(): Libc {
  const deno = (globalThis as unknown as { Deno: DenoFfi }).Deno;
  const symbols = deno.dlopen("libc.so.6", SYMBOLS).symbols as Record<keyof typeof SYMBOLS, Call>;
  const errnoCell = new deno.UnsafePointerView(symbols.__errno_location() as NativePointer);

  return {
    socket: (domain, type, protocol) => integer(symbols.socket(domain, type, protocol)),
    bind: (fd, address) => integer(symbols.bind(fd, address, address.length)),
    setsockopt: (fd, level, option, value) => integer(symbols.setsockopt(fd, level, option, value, value.length)),
    getsockopt: (fd, level, option, into, length) => integer(symbols.getsockopt(fd, level, option, into, length)),
    sendto: (fd, data, flags, address) =>
      integer(symbols.sendto(fd, data, BigInt(data.length), flags, address, address.length)),
    recv: (fd, into, flags) => integer(symbols.recv(fd, into, BigInt(into.length), flags)),
    read: (fd, into) => integer(symbols.read(fd, into, BigInt(into.length))),
    write: (fd, data) => integer(symbols.write(fd, data, BigInt(data.length))),
    open: (path, flags) => integer(symbols.open(path, flags)),
    close: (fd) => integer(symbols.close(fd)),
    setns: (fd, nstype) => integer(symbols.setns(fd, nstype)),
    ioctl: (fd, request, argument) => integer(symbols.ioctl(fd, BigInt(request), argument)),
    readlink: (path, into) => integer(symbols.readlink(path, into, BigInt(into.length))),
    unshare: (flags) => integer(symbols.unshare(flags)),
    mount: (source, target, fstype, flags) => integer(symbols.mount(source, target, fstype, BigInt(flags), null)),
    umount2: (target, flags) => integer(symbols.umount2(target, flags)),
    pidfdOpen: (pid, flags) => integer(symbols.syscall(BigInt(SYS_PIDFD_OPEN), BigInt(pid), BigInt(flags))),
    mallocTrim: (pad) => integer(symbols.malloc_trim(BigInt(pad))),
    addressOf: (bytes) => BigInt(deno.UnsafePointer.value(deno.UnsafePointer.of(bytes))),
    errno: () => errnoCell.getInt32(),
    strerror: (errno) => deno.UnsafePointerView.getCString(symbols.strerror(errno) as NativePointer),
  };
}
