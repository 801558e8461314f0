// libc bindings for Node through koffi. A `void *` parameter given a Uint8Array receives
// a pointer to the array's own bytes (its byteOffset included), so recv lands directly in
// a WebAssembly.Memory view. koffi saves errno right after each call.

import koffi from "koffi";
import type { Libc } from "./sys.ts";

/** The same number on every Linux architecture (the unified syscall table). */
const SYS_PIDFD_OPEN = 434;

export function loadLibc(): Libc {
  const libc = koffi.load("libc.so.6");
  const socket = libc.func("int socket(int domain, int type, int protocol)");
  const bind = libc.func("int bind(int fd, void *address, uint32_t length)");
  const setsockopt = libc.func("int setsockopt(int fd, int level, int option, void *value, uint32_t length)");
  const getsockopt = libc.func("int getsockopt(int fd, int level, int option, void *value, void *length)");
  const sendto = libc.func(
    "intptr_t sendto(int fd, void *data, size_t length, int flags, void *address, uint32_t addressLength)",
  );
  const recv = libc.func("intptr_t recv(int fd, void *into, size_t length, int flags)");
  const read = libc.func("intptr_t read(int fd, void *into, size_t length)");
  const write = libc.func("intptr_t write(int fd, void *data, size_t length)");
  const open = libc.func("int open(void *path, int flags)");
  const close = libc.func("int close(int fd)");
  const setns = libc.func("int setns(int fd, int nstype)");
  // Declared with a fixed third argument: passing one pointer through ioctl's `...` is
  // the same call on the Linux x86-64 and aarch64 ABIs.
  const ioctl = libc.func("int ioctl(int fd, unsigned long request, void *argument)");
  const readlink = libc.func("intptr_t readlink(void *path, void *into, size_t size)");
  const unshare = libc.func("int unshare(int flags)");
  const mount = libc.func("int mount(void *source, void *target, void *fstype, unsigned long flags, void *data)");
  const umount2 = libc.func("int umount2(void *target, int flags)");
  // Fixed arguments for syscall's `...`: integers pass the same way on x86-64 and aarch64.
  const syscall = libc.func("long syscall(long number, long pid, long flags)");
  const mallocTrim = libc.func("int malloc_trim(size_t pad)");
  const strerror = libc.func("const char *strerror(int errno)");

  return {
    socket: (domain, type, protocol) => socket(domain, type, protocol),
    bind: (fd, address) => bind(fd, address, address.length),
    setsockopt: (fd, level, option, value) => setsockopt(fd, level, option, value, value.length),
    getsockopt: (fd, level, option, into, length) => getsockopt(fd, level, option, into, length),
    sendto: (fd, data, flags, address) => sendto(fd, data, data.length, flags, address, address.length),
    recv: (fd, into, flags) => recv(fd, into, into.length, flags),
    read: (fd, into) => read(fd, into, into.length),
    write: (fd, data) => write(fd, data, data.length),
    open: (path, flags) => open(path, flags),
    close: (fd) => close(fd),
    setns: (fd, nstype) => setns(fd, nstype),
    ioctl: (fd, request, argument) => ioctl(fd, request, argument),
    readlink: (path, into) => readlink(path, into, into.length),
    unshare: (flags) => unshare(flags),
    mount: (source, target, fstype, flags) => mount(source, target, fstype, flags, null),
    umount2: (target, flags) => umount2(target, flags),
    pidfdOpen: (pid, flags) => Number(syscall(SYS_PIDFD_OPEN, pid, flags)),
    mallocTrim: (pad) => mallocTrim(pad),
    addressOf: (bytes) => koffi.address(bytes) + BigInt(bytes.byteOffset),
    errno: () => koffi.errno(),
    strerror: (errno) => strerror(errno),
  };
}
