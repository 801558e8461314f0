// The few libc calls katanet needs, behind one interface for Node (koffi) and Deno
// (Deno.dlopen). Each runtime file only binds symbols; error handling lives here so both
// runtimes report failures identically. Loaded with a top-level await so callers can stay
// synchronous, which entering a namespace requires (no await between setns calls).

import { Errno, errnoName } from "./errno.ts";

/** Raw libc bindings: results are libc's (-1 on failure, then `errno()` says why). */
export interface Libc {
  socket(domain: number, type: number, protocol: number): number;
  bind(fd: number, address: Uint8Array): number;
  setsockopt(fd: number, level: number, option: number, value: Uint8Array): number;
  /** `length` holds the socklen_t in and out (4 bytes, host order). */
  getsockopt(fd: number, level: number, option: number, into: Uint8Array, length: Uint8Array): number;
  sendto(fd: number, data: Uint8Array, flags: number, address: Uint8Array): number;
  /** Receives into `into` itself (no copy); the result may exceed its length with MSG_TRUNC. */
  recv(fd: number, into: Uint8Array, flags: number): number;
  /** For character devices (tap queues), which recv() refuses. */
  read(fd: number, into: Uint8Array): number;
  write(fd: number, data: Uint8Array): number;
  /** `path` is NUL-terminated. */
  open(path: Uint8Array, flags: number): number;
  close(fd: number): number;
  setns(fd: number, nstype: number): number;
  ioctl(fd: number, request: number, argument: Uint8Array): number;
  readlink(path: Uint8Array, into: Uint8Array): number;
  unshare(flags: number): number;
  /** Strings are NUL-terminated; null passes a null pointer. */
  mount(source: Uint8Array | null, target: Uint8Array, fstype: Uint8Array | null, flags: number): number;
  umount2(target: Uint8Array, flags: number): number;
  /** pidfd_open(2) through syscall(2): glibc has no wrapper before 2.36. */
  pidfdOpen(pid: number, flags: number): number;
  /** glibc's malloc_trim: gives the heap's free pages back to the system; 1 if it released any. */
  mallocTrim(pad: number): number;
  /** Address of the first byte of `bytes`, for structs that carry pointers (ifreq.ifr_data). */
  addressOf(bytes: Uint8Array): bigint;
  errno(): number;
  strerror(errno: number): string;
}

export class SysError extends Error {
  readonly code: string;
  constructor(
    readonly call: string,
    readonly errno: number,
    readonly subject: string,
    description: string,
  ) {
    const code = errnoName(errno);
    super(`${call}(${subject}) failed: ${code} (${description})`);
    this.name = "SysError";
    this.code = code;
  }
}

const O_RDONLY = 0;
const O_RDWR = 2;
const O_NONBLOCK = 0o4000;
const O_CLOEXEC = 0o2000000;
const PATH_MAX = 4096;
const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder();

const cString = (text: string): Uint8Array => textEncoder.encode(`${text}\0`);

/** Checked libc calls: each throws `SysError` naming the call and its subject. */
export class Sys {
  constructor(private readonly libc: Libc) {}

  socket(domain: number, type: number, protocol: number): number {
    return this.checked("socket", `${domain}, ${type}, ${protocol}`, () => this.libc.socket(domain, type, protocol));
  }

  bind(fd: number, address: Uint8Array): void {
    this.checked("bind", `fd ${fd}`, () => this.libc.bind(fd, address));
  }

  setsockopt(fd: number, level: number, option: number, value: Uint8Array): void {
    this.checked("setsockopt", `fd ${fd}, level ${level}, option ${option}`, () =>
      this.libc.setsockopt(fd, level, option, value),
    );
  }

  setsockoptInt(fd: number, level: number, option: number, value: number): void {
    const cell = new Uint8Array(4);
    new DataView(cell.buffer).setInt32(0, value, true);
    this.setsockopt(fd, level, option, cell);
  }

  /** An option's value; its bytes, as many as the kernel wrote. */
  getsockopt(fd: number, level: number, option: number, size: number): Uint8Array {
    const into = new Uint8Array(size);
    const length = new Uint8Array(4);
    new DataView(length.buffer).setUint32(0, size, true);
    this.checked("getsockopt", `fd ${fd}, level ${level}, option ${option}`, () => this.libc.getsockopt(fd, level, option, into, length));
    return into.subarray(0, new DataView(length.buffer).getUint32(0, true));
  }

  sendto(fd: number, data: Uint8Array, flags: number, address: Uint8Array): number {
    return this.checked("sendto", `fd ${fd}, ${data.length} bytes`, () => this.libc.sendto(fd, data, flags, address));
  }

  recv(fd: number, into: Uint8Array, flags: number): number {
    return this.checked("recv", `fd ${fd}`, () => this.libc.recv(fd, into, flags));
  }

  /**
   * A non-blocking receive that returns -1 when nothing is queued (EAGAIN): draining a
   * socket ends that way every time, too often to build an error for it.
   */
  tryRecv(fd: number, into: Uint8Array, flags: number): number {
    const result = this.uninterrupted(() => this.libc.recv(fd, into, flags));
    if (result === -Errno.EAGAIN) return -1;
    if (result < 0) this.fail("recv", `fd ${fd}`, -result);
    return result;
  }

  /** Opens read-only and close-on-exec: only namespace files are opened, never written. */
  openReadOnly(path: string): number {
    const encoded = cString(path);
    return this.checked("open", path, () => this.libc.open(encoded, O_RDONLY | O_CLOEXEC));
  }

  /** Opens a device read-write and close-on-exec (/dev/net/tun, /dev/tapN, /dev/vhost-net),
   * non-blocking when asked so a reader can stop instead of waiting forever. */
  openReadWrite(path: string, options: { nonBlocking?: boolean } = {}): number {
    const encoded = cString(path);
    const flags = O_RDWR | O_CLOEXEC | (options.nonBlocking ? O_NONBLOCK : 0);
    return this.checked("open", path, () => this.libc.open(encoded, flags));
  }

  write(fd: number, data: Uint8Array): number {
    return this.checked("write", `fd ${fd}, ${data.length} bytes`, () => this.libc.write(fd, data));
  }

  /** A read on a non-blocking descriptor: -1 when nothing is waiting (EAGAIN). */
  tryRead(fd: number, into: Uint8Array): number {
    const result = this.uninterrupted(() => this.libc.read(fd, into));
    if (result === -Errno.EAGAIN) return -1;
    if (result < 0) this.fail("read", `fd ${fd}`, -result);
    return result;
  }

  /** Never retried on EINTR: on Linux the descriptor is gone either way. */
  close(fd: number): void {
    if (this.libc.close(fd) < 0) this.fail("close", `fd ${fd}`, this.libc.errno());
  }

  setns(fd: number, nstype: number): void {
    this.checked("setns", `fd ${fd}`, () => this.libc.setns(fd, nstype));
  }

  ioctl(fd: number, request: number, argument: Uint8Array): void {
    this.checked("ioctl", `fd ${fd}, 0x${request.toString(16)}`, () => this.libc.ioctl(fd, request, argument));
  }

  /** An ioctl whose failure is an answer, not an error (a driver without ethtool): true when it worked. */
  tryIoctl(fd: number, request: number, argument: Uint8Array): boolean {
    return this.uninterrupted(() => this.libc.ioctl(fd, request, argument)) >= 0;
  }

  readlink(path: string): string {
    const encoded = cString(path);
    const into = new Uint8Array(PATH_MAX);
    const length = this.checked("readlink", path, () => this.libc.readlink(encoded, into));
    return textDecoder.decode(into.subarray(0, length));
  }

  unshare(flags: number): void {
    this.checked("unshare", `0x${flags.toString(16)}`, () => this.libc.unshare(flags));
  }

  /** mount(2) without data; `source` and `fstype` may be null, as for a propagation change. */
  mount(source: string | null, target: string, fstype: string | null, flags: number): void {
    const encoded = [source, target, fstype].map((text) => (text === null ? null : cString(text)));
    this.checked("mount", `${source ?? "none"} on ${target}`, () => this.libc.mount(encoded[0], encoded[1]!, encoded[2], flags));
  }

  umount2(target: string, flags: number): void {
    const encoded = cString(target);
    this.checked("umount2", target, () => this.libc.umount2(encoded, flags));
  }

  /** A descriptor that becomes readable when process `pid` exits (Linux 5.3+). */
  pidfdOpen(pid: number): number {
    return this.checked("pidfd_open", `pid ${pid}`, () => this.libc.pidfdOpen(pid, 0));
  }

  /** Returns the malloc heap's free pages to the system (never fails). */
  mallocTrim(): void {
    this.libc.mallocTrim(0);
  }

  addressOf(bytes: Uint8Array): bigint {
    return this.libc.addressOf(bytes);
  }

  describe(errno: number): string {
    return this.libc.strerror(errno);
  }

  /** Runs a call, retrying while a signal interrupts it, and throws on failure. */
  private checked(call: string, subject: string, attempt: () => number): number {
    const result = this.uninterrupted(attempt);
    if (result < 0) this.fail(call, subject, -result);
    return result;
  }

  /** Runs a call again while a signal interrupts it (EINTR): its result, or the errno negated. */
  private uninterrupted(attempt: () => number): number {
    for (;;) {
      const result = attempt();
      if (result >= 0) return result;
      const errno = this.libc.errno();
      if (errno !== Errno.EINTR) return -errno;
    }
  }

  private fail(call: string, subject: string, errno: number): never {
    throw new SysError(call, errno, subject, this.libc.strerror(errno));
  }
}

const isDeno = "Deno" in globalThis;

async function loadLibc(): Promise<Libc> {
  const binding = isDeno ? await import("./sys-deno.ts") : await import("./sys-node.ts");
  return binding.loadLibc();
}

export const sys = new Sys(await loadLibc());
