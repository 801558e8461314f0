// A NETLINK_ROUTE socket: dumps received datagram by datagram straight into a caller's
// buffer (usually Wasm memory), and acknowledged requests for writes. Blocking and
// synchronous on purpose: a dump is a few milliseconds of kernel work, and staying
// synchronous lets a socket be opened inside a namespace without an await in between.

import { Errno, errnoName } from "./errno.ts";
import { sys, SysError } from "./sys.ts";
import { AF_NETLINK, SOCK_RAW, SOCK_CLOEXEC, SOL_SOCKET, NETLINK_ROUTE, SOCKADDR_NL_SIZE, MSG_TRUNC } from "./constants.ts";
import { MessageWalker, messageType, NLMSG_DONE, NLMSG_ERROR, NLMSG_HDRLEN, NLMSG_OVERRUN, NLM_F_DUMP_INTR } from "./messages.ts";

const SO_RCVTIMEO = 20;
const SOL_NETLINK = 270;
const NETLINK_CAP_ACK = 10;
const NETLINK_EXT_ACK = 11;
const NETLINK_GET_STRICT_CHK = 12;

const MSG_PEEK = 0x2;

export const NLM_F_REQUEST = 0x1;
export const NLM_F_ACK = 0x4;
export const NLM_F_DUMP = 0x300;

const DEFAULT_REPLY_TIMEOUT_MS = 10_000;
/** The kernel sizes dump datagrams by the largest buffer recv() has offered, up to about
 * 32 KiB; offering that much from the start means ~8x fewer datagrams than 4 KiB ones. */
const DUMP_RECEIVE_SIZE = 32 * 1024;

const MESSAGE_TYPE_NAMES: Record<number, string> = {
  16: "RTM_NEWLINK", 17: "RTM_DELLINK", 18: "RTM_GETLINK", 19: "RTM_SETLINK",
  20: "RTM_NEWADDR", 21: "RTM_DELADDR", 22: "RTM_GETADDR",
  24: "RTM_NEWROUTE", 25: "RTM_DELROUTE", 26: "RTM_GETROUTE",
  28: "RTM_NEWNEIGH", 29: "RTM_DELNEIGH", 30: "RTM_GETNEIGH",
};

export function messageTypeName(type: number): string {
  return MESSAGE_TYPE_NAMES[type] ?? `netlink message type ${type}`;
}

/** Where a dump's datagrams go: `reserve` hands out a writable view, `commit` keeps its first bytes. */
export interface DumpSink {
  /** A view of at least `bytes` writable bytes. Fetched anew for every datagram, since a
   * growing WebAssembly.Memory detaches earlier views. */
  reserve(bytes: number): Uint8Array;
  /** Keeps the first `bytes` bytes of the last reserved view. */
  commit(bytes: number): void;
}

/** The kernel refused a request: errno plus the extended-ack text when it sent one. */
export class NetlinkError extends Error {
  readonly code: string;
  constructor(
    readonly request: string,
    readonly errno: number,
    readonly description: string,
    readonly extAck: string | undefined,
    readonly extAckOffset: number | undefined,
  ) {
    const code = errnoName(errno);
    super(`netlink ${request} failed: ${code} (${description})${extAck ? `: ${extAck}` : ""}`);
    this.name = "NetlinkError";
    this.code = code;
  }
}

/** The kernel's tables changed while it was dumping them (NLM_F_DUMP_INTR, or messages
 * were lost): what was received is inconsistent, so the caller must dump again. */
export class DumpInterrupted extends Error {
  constructor(readonly request: string) {
    super(`netlink ${request} dump was interrupted by a concurrent change; dump again`);
    this.name = "DumpInterrupted";
  }
}

/** The reply broke netlink framing: a bug in the kernel or in this code, never retried. */
export class NetlinkProtocolError extends Error {
  constructor(request: string, problem: string) {
    super(`netlink ${request} reply malformed: ${problem}`);
    this.name = "NetlinkProtocolError";
  }
}

export interface NetlinkSocketOptions {
  /** How long a reply may take before the call fails (default 10 s), so a lost reply
   * cannot block the event loop forever. */
  replyTimeoutMs?: number;
  /** Ask the kernel to validate dump request headers and honour their filters
   * (NETLINK_GET_STRICT_CHK). Off by default: Kata's library dumps without it, and the
   * fixtures rely on the kernel ignoring the neighbour request's ifindex. */
  strictChecking?: boolean;
}

export class NetlinkSocket {
  private sequence = Math.floor(Math.random() * 0x7fffffff);
  private readonly kernelAddress = portZeroAddress();
  private readonly peekCell = new Uint8Array(0);
  private replyBuffer = new Uint8Array(new ArrayBuffer(8192));
  private closed = false;
  /** Set while a reply is being read: if reading stops early, unread replies would be
   * mistaken for the next request's, so the socket refuses further use. */
  private midReply = false;

  private constructor(
    readonly fd: number,
    /** False for an adopted descriptor, which its opener closes. */
    private readonly ownsDescriptor = true,
  ) {}

  /** Opens a socket in the calling thread's current network namespace. */
  static open(options: NetlinkSocketOptions = {}): NetlinkSocket {
    const fd = sys.socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    try {
      // Extended acks carry the kernel's reason text; capped acks skip echoing the request.
      sys.setsockoptInt(fd, SOL_NETLINK, NETLINK_EXT_ACK, 1);
      sys.setsockoptInt(fd, SOL_NETLINK, NETLINK_CAP_ACK, 1);
      if (options.strictChecking) sys.setsockoptInt(fd, SOL_NETLINK, NETLINK_GET_STRICT_CHK, 1);
      sys.setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, timeval(options.replyTimeoutMs ?? DEFAULT_REPLY_TIMEOUT_MS));
      sys.bind(fd, portZeroAddress());
      return new NetlinkSocket(fd);
    } catch (error) {
      sys.close(fd);
      throw error;
    }
  }

  /** Wraps a descriptor someone else opened (another thread's socket, say) and will
   * close; `close()` then only retires this wrapper. */
  static adopt(fd: number): NetlinkSocket {
    return new NetlinkSocket(fd, false);
  }

  /**
   * Sends one dump request and commits every reply datagram to `sink` until NLMSG_DONE.
   * Committed datagrams are kernel bytes as received (data messages plus the final DONE).
   * Throws `NetlinkError` when the kernel refuses, `DumpInterrupted` when the dump must be
   * repeated; in both cases the whole reply has been read, so the socket stays usable.
   */
  dump(request: Uint8Array, sink: DumpSink): void {
    const requestName = messageTypeName(messageType(request));
    const sequence = this.send(request, 0);
    const interrupted = this.readWholeReply(() => {
      let interrupted = false;
      for (;;) {
        const size = this.nextDatagramSize(requestName);
        if (size < 0) {
          interrupted = true;
          continue;
        }
        const view = sink.reserve(Math.max(size, DUMP_RECEIVE_SIZE));
        const received = this.receiveInto(view, size, requestName);
        const outcome = inspectDumpDatagram(view, received, sequence, requestName);
        if (outcome.stale) continue;
        sink.commit(received);
        interrupted ||= outcome.interrupted;
        if (outcome.done) return interrupted;
      }
    });
    if (interrupted) throw new DumpInterrupted(requestName);
  }

  /** Sends one request with NLM_F_ACK and waits for the kernel's acknowledgement;
   * throws `NetlinkError` (with the extended-ack text) when the kernel refuses. */
  request(message: Uint8Array): void {
    const requestName = messageTypeName(messageType(message));
    const sequence = this.send(message, NLM_F_ACK);
    this.readWholeReply(() => {
      for (;;) {
        const size = this.nextDatagramSize(requestName);
        if (size < 0) continue;
        if (size > this.replyBuffer.length) this.replyBuffer = new Uint8Array(new ArrayBuffer(size));
        const received = this.receiveInto(this.replyBuffer, size, requestName);
        if (findAck(this.replyBuffer, received, sequence, requestName)) return;
      }
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.ownsDescriptor) sys.close(this.fd);
  }

  /** Runs a reply loop. A NetlinkError comes from the reply's last message, so the reply
   * is complete; any other failure leaves unread replies behind and retires the socket. */
  private readWholeReply<T>(read: () => T): T {
    this.midReply = true;
    try {
      const result = read();
      this.midReply = false;
      return result;
    } catch (error) {
      if (error instanceof NetlinkError) this.midReply = false;
      throw error;
    }
  }

  /** Writes a fresh sequence number (and extra flags) into a copy of `message` and sends it. */
  private send(message: Uint8Array, extraFlags: number): number {
    if (this.closed) throw new Error("netlink socket used after close");
    if (this.midReply) throw new Error("netlink socket used after a reply was abandoned half-read; open a new one");
    if (message.length < NLMSG_HDRLEN) throw new RangeError(`netlink request too short (${message.length} bytes)`);
    const outgoing = message.slice();
    const header = new DataView(outgoing.buffer);
    const sequence = (this.sequence = (this.sequence + 1) >>> 0);
    header.setUint16(6, header.getUint16(6, true) | NLM_F_REQUEST | extraFlags, true);
    header.setUint32(8, sequence, true);
    sys.sendto(this.fd, outgoing, 0, this.kernelAddress);
    return sequence;
  }

  /** Size of the next datagram without consuming it, or -1 when the kernel reports lost
   * messages (ENOBUFS), which makes any dump in progress incomplete. */
  private nextDatagramSize(requestName: string): number {
    try {
      return sys.recv(this.fd, this.peekCell, MSG_PEEK | MSG_TRUNC);
    } catch (error) {
      if (error instanceof SysError && error.errno === Errno.ENOBUFS) return -1;
      throw this.explainReceiveFailure(error, requestName);
    }
  }

  private receiveInto(view: Uint8Array, size: number, requestName: string): number {
    if (view.length < size) {
      throw new RangeError(`dump sink reserved ${view.length} bytes, the ${requestName} datagram needs ${size}`);
    }
    try {
      const received = sys.recv(this.fd, view, MSG_TRUNC);
      if (received > view.length) throw new NetlinkProtocolError(requestName, `datagram grew to ${received} bytes`);
      return received;
    } catch (error) {
      throw this.explainReceiveFailure(error, requestName);
    }
  }

  private explainReceiveFailure(error: unknown, requestName: string): unknown {
    if (error instanceof SysError && error.errno === Errno.EAGAIN) {
      return new Error(`netlink ${requestName}: no reply from the kernel before the receive timeout`);
    }
    return error;
  }
}

interface DumpDatagramOutcome {
  stale: boolean;
  done: boolean;
  interrupted: boolean;
}

/** Walks one received datagram: stale (an earlier request's leftovers), the end of the
 * dump, or marked interrupted. Errors in NLMSG_ERROR or in DONE's payload are thrown. */
function inspectDumpDatagram(
  bytes: Uint8Array,
  length: number,
  sequence: number,
  requestName: string,
): DumpDatagramOutcome {
  const messages = new MessageWalker(bytes, length);
  const outcome = { stale: false, done: false, interrupted: false };
  while (messages.next()) {
    if (messages.sequence !== sequence) return { stale: true, done: false, interrupted: false };
    if (messages.flags & NLM_F_DUMP_INTR || messages.type === NLMSG_OVERRUN) outcome.interrupted = true;
    if (messages.type === NLMSG_ERROR || messages.type === NLMSG_DONE) {
      throwIfFailed(messages, requestName);
      outcome.done ||= messages.type === NLMSG_DONE;
    }
  }
  if (messages.error) throw new NetlinkProtocolError(requestName, messages.error.message);
  return outcome;
}

/** True when the datagram holds the acknowledgement of `sequence`; throws if it is an error. */
function findAck(bytes: Uint8Array, length: number, sequence: number, requestName: string): boolean {
  const messages = new MessageWalker(bytes, length);
  while (messages.next()) {
    if (messages.sequence === sequence && messages.type === NLMSG_ERROR) {
      throwIfFailed(messages, requestName);
      return true;
    }
  }
  if (messages.error) throw new NetlinkProtocolError(requestName, messages.error.message);
  return false;
}

/** Throws a NetlinkError when the walker's NLMSG_ERROR or DONE reports one. */
function throwIfFailed(messages: MessageWalker, requestName: string): void {
  const outcome = messages.outcome();
  if (outcome === undefined) throw new NetlinkProtocolError(requestName, messages.error!.message);
  if (outcome.errno !== 0) {
    throw new NetlinkError(requestName, outcome.errno, sys.describe(outcome.errno), outcome.extAck, outcome.extAckOffset);
  }
}

/** sockaddr_nl with port 0: the kernel as destination, or "pick a port for me" in bind. */
function portZeroAddress(): Uint8Array {
  const address = new Uint8Array(SOCKADDR_NL_SIZE);
  new DataView(address.buffer).setUint16(0, AF_NETLINK, true);
  return address;
}

/** struct timeval for a 64-bit Linux: two 8-byte fields. */
function timeval(milliseconds: number): Uint8Array {
  const value = new Uint8Array(16);
  const view = new DataView(value.buffer);
  view.setBigInt64(0, BigInt(Math.floor(milliseconds / 1000)), true);
  view.setBigInt64(8, BigInt((milliseconds % 1000) * 1000), true);
  return value;
}
