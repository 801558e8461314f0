// Builds netlink messages: nlmsghdr, a fixed family header, and nested attribute TLVs.
// Used for kernel requests (dumps, writes) and for the private records the host hands the
// Wasm core, so both travel in one framing. Host byte order is little-endian (x86-64,
// aarch64), which is what every netlink field here uses.

import { align4, NLMSG_HDRLEN } from "./messages.ts";

const NLA_HDRLEN = 4;
const NLA_F_NESTED = 0x8000;

const textEncoder = new TextEncoder();

export class NetlinkBuilder {
  private bytes: Uint8Array;
  private view: DataView;
  private length = 0;
  private messageStart = -1;
  private readonly openNests: number[] = [];

  constructor(initialCapacity = 4096) {
    this.bytes = new Uint8Array(initialCapacity);
    this.view = new DataView(this.bytes.buffer);
  }

  /** Starts a message; its length is filled in by `endMessage`. */
  beginMessage(type: number, flags: number, seq = 0, pid = 0): this {
    if (this.messageStart >= 0) throw new Error("netlink builder: previous message not ended");
    this.messageStart = this.length;
    this.reserve(NLMSG_HDRLEN);
    this.view.setUint16(this.length + 4, type, true);
    this.view.setUint16(this.length + 6, flags, true);
    this.view.setUint32(this.length + 8, seq >>> 0, true);
    this.view.setUint32(this.length + 12, pid >>> 0, true);
    this.length += NLMSG_HDRLEN;
    return this;
  }

  endMessage(): this {
    if (this.openNests.length) throw new Error("netlink builder: nested attribute not ended");
    if (this.messageStart < 0) throw new Error("netlink builder: no message started");
    this.view.setUint32(this.messageStart, this.length - this.messageStart, true);
    this.messageStart = -1;
    return this;
  }

  /** Raw bytes of a family header (ifinfomsg, rtmsg, ...), padded to 4. */
  header(fields: Uint8Array): this {
    this.raw(fields);
    this.pad();
    return this;
  }

  attr(type: number, payload: Uint8Array): this {
    const total = NLA_HDRLEN + payload.length;
    if (total > 0xffff) throw new RangeError(`netlink attribute ${type} too long (${payload.length} bytes)`);
    this.reserve(align4(total));
    this.view.setUint16(this.length, total, true);
    this.view.setUint16(this.length + 2, type, true);
    this.bytes.set(payload, this.length + NLA_HDRLEN);
    this.length += total;
    this.pad();
    return this;
  }

  attrText(type: number, text: string): this {
    return this.attr(type, textEncoder.encode(text));
  }

  /** A NUL-terminated string, as the kernel expects for names (IFLA_IFNAME, ...). */
  attrCString(type: number, text: string): this {
    const encoded = textEncoder.encode(text);
    const payload = new Uint8Array(encoded.length + 1);
    payload.set(encoded);
    return this.attr(type, payload);
  }

  attrU8(type: number, value: number): this {
    return this.attr(type, Uint8Array.of(value & 0xff));
  }

  attrU32(type: number, value: number): this {
    const payload = new Uint8Array(4);
    new DataView(payload.buffer).setUint32(0, value >>> 0, true);
    return this.attr(type, payload);
  }

  attrU64(type: number, value: bigint): this {
    const payload = new Uint8Array(8);
    new DataView(payload.buffer).setBigUint64(0, BigInt.asUintN(64, value), true);
    return this.attr(type, payload);
  }

  /** `markNested` sets NLA_F_NESTED; the kernel leaves it off some nests (IFLA_LINKINFO). */
  beginNest(type: number, markNested = true): this {
    this.reserve(NLA_HDRLEN);
    this.openNests.push(this.length);
    this.view.setUint16(this.length + 2, markNested ? type | NLA_F_NESTED : type, true);
    this.length += NLA_HDRLEN;
    return this;
  }

  endNest(): this {
    const start = this.openNests.pop();
    if (start === undefined) throw new Error("netlink builder: no nested attribute open");
    const total = this.length - start;
    if (total > 0xffff) throw new RangeError(`netlink nested attribute too long (${total} bytes)`);
    this.view.setUint16(start, total, true);
    return this;
  }

  /** The bytes built so far (a copy, so the builder can be reused). */
  finish(): Uint8Array {
    if (this.messageStart >= 0) throw new Error("netlink builder: message not ended");
    return this.bytes.slice(0, this.length);
  }

  reset(): this {
    this.length = 0;
    this.messageStart = -1;
    this.openNests.length = 0;
    return this;
  }

  private raw(fields: Uint8Array): void {
    this.reserve(fields.length);
    this.bytes.set(fields, this.length);
    this.length += fields.length;
  }

  private pad(): void {
    const padded = align4(this.length);
    this.reserve(padded - this.length);
    this.bytes.fill(0, this.length, padded);
    this.length = padded;
  }

  private reserve(extra: number): void {
    const needed = this.length + extra;
    if (needed <= this.bytes.length) return;
    let capacity = this.bytes.length * 2;
    while (capacity < needed) capacity *= 2;
    const grown = new Uint8Array(capacity);
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
    this.view = new DataView(grown.buffer);
  }
}
