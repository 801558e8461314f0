// Netlink framing, walked in one place: messages (nlmsghdr + payload, 4-byte aligned) as
// dumps and acknowledgements arrive, the attribute TLVs inside a payload, and what an
// NLMSG_ERROR or NLMSG_DONE says (errno plus the extended-ack text and offset). Every
// reader of netlink bytes in the host goes through these walkers. As in mdlayher/netlink,
// a walker stops at the first thing that breaks framing and keeps that error, naming the
// byte offset and what lied, for the caller to report in its own terms.

export const NLMSG_HDRLEN = 16;
export const NLMSG_ERROR = 2;
export const NLMSG_DONE = 3;
export const NLMSG_OVERRUN = 4;

export const NLM_F_MULTI = 0x2;
export const NLM_F_DUMP_INTR = 0x10;
/** On NLMSG_ERROR: the echoed request is only its header (NETLINK_CAP_ACK). */
const NLM_F_CAPPED = 0x100;
/** On NLMSG_ERROR and NLMSG_DONE: extended-ack attributes follow (NETLINK_EXT_ACK). */
const NLM_F_ACK_TLVS = 0x200;

const NLMSGERR_ATTR_MSG = 1;
const NLMSGERR_ATTR_OFFS = 2;

const ATTRIBUTE_HEADER = 4;
/** nla_type's top bits are the nested and byte-order flags, not part of the type. */
const ATTRIBUTE_TYPE_MASK = 0x3fff;

/** NLMSG_ALIGN and NLA_ALIGN: messages and attributes both start 4-aligned. */
export const align4 = (n: number): number => (n + 3) & ~3;

/** Bytes that break netlink framing: where, and what lied. */
export class FramingError extends RangeError {
  constructor(
    /** Byte offset of the message or attribute at fault, from the start of what was walked. */
    readonly offset: number,
    problem: string,
  ) {
    super(problem);
    this.name = "FramingError";
  }
}

/** What an NLMSG_ERROR (an acknowledgement when errno is 0) or NLMSG_DONE reports. */
export interface MessageOutcome {
  /** Positive errno, 0 for success. */
  errno: number;
  /** The kernel's reason (NLMSGERR_ATTR_MSG), when it sent one. */
  extAck?: string;
  /** Where in the request the kernel found fault (NLMSGERR_ATTR_OFFS). */
  extAckOffset?: number;
}

/**
 * What messages and attributes share: a length-prefixed unit whose length counts its own
 * header, the next one starting 4-aligned after it. `step()` moves to the next unit and
 * returns false at the end, or at the first framing error, kept in `error` for good.
 */
abstract class LengthPrefixedWalker {
  /** Start of the current unit. */
  offset = 0;
  /** The current unit's length field: header included, padding not. */
  length = 0;
  error: FramingError | undefined;
  protected readonly view: DataView;
  private following: number;

  constructor(
    protected readonly bytes: Uint8Array,
    start: number,
    private readonly end: number,
    private readonly headerSize: number,
    private readonly unit: "message" | "attribute",
    /** Whether a remainder too short for a header is padding to pass over, not an error. */
    private readonly shortRemainderIsPadding: boolean,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, end);
    this.following = start;
  }

  protected abstract lengthAt(at: number): number;

  protected step(): boolean {
    const at = this.following;
    if (this.error || at >= this.end) return false;
    const remaining = this.end - at;
    if (remaining < this.headerSize) {
      if (this.shortRemainderIsPadding) return false;
      return this.fail(at, `${remaining} stray bytes after the last ${this.unit}, at byte ${at}: too few for a header`);
    }
    const length = this.lengthAt(at);
    if (length < this.headerSize || length > remaining) {
      return this.fail(at, `${this.unit} at byte ${at} claims ${length} bytes, ${remaining} remain`);
    }
    this.offset = at;
    this.length = length;
    this.following = at + align4(length);
    return true;
  }

  /** The current unit's value after its header, as a view into the walked bytes. */
  payload(): Uint8Array {
    return this.bytes.subarray(this.offset + this.headerSize, this.offset + this.length);
  }

  protected fail(offset: number, problem: string): false {
    this.error = new FramingError(offset, problem);
    return false;
  }
}

/**
 * A cursor over the messages in `bytes[0, end)`: `next()` moves to the next message and
 * fills `type`, `flags`, ... in place, so a dump's thousands of messages cost no
 * allocation. It returns false at the end, or at the first framing error, kept in `error`.
 */
export class MessageWalker extends LengthPrefixedWalker {
  type = 0;
  flags = 0;
  sequence = 0;
  port = 0;

  constructor(bytes: Uint8Array, end = bytes.length) {
    super(bytes, 0, end, NLMSG_HDRLEN, "message", false);
  }

  next(): boolean {
    if (!this.step()) return false;
    this.type = this.view.getUint16(this.offset + 4, true);
    this.flags = this.view.getUint16(this.offset + 6, true);
    this.sequence = this.view.getUint32(this.offset + 8, true);
    this.port = this.view.getUint32(this.offset + 12, true);
    return true;
  }

  /** The current message, header included, as a view into the walked bytes. */
  message(): Uint8Array {
    return this.bytes.subarray(this.offset, this.offset + this.length);
  }

  /**
   * What the current NLMSG_ERROR or NLMSG_DONE reports. A DONE without payload means
   * success (older kernels send none); an ERROR without its error code breaks framing:
   * undefined then, with the error kept like any other.
   */
  outcome(): MessageOutcome | undefined {
    if (this.length < NLMSG_HDRLEN + 4) {
      if (this.type !== NLMSG_ERROR) return { errno: 0 };
      this.fail(this.offset, `NLMSG_ERROR at byte ${this.offset} has ${this.length - NLMSG_HDRLEN} payload bytes, too few for its error code`);
      return undefined;
    }
    const errno = -this.view.getInt32(this.offset + NLMSG_HDRLEN, true) | 0;
    if (errno === 0 || !(this.flags & NLM_F_ACK_TLVS)) return { errno };
    return { errno, ...this.extendedAck() };
  }

  protected lengthAt(at: number): number {
    return this.view.getUint32(at, true);
  }

  /** The NLMSGERR_ATTR_* TLVs after the error code and, in an ERROR, the echoed request
   * (only its header when capped). Best effort: a malformed TLV ends them, since the
   * errno they explain is already known. */
  private extendedAck(): Omit<MessageOutcome, "errno"> {
    const found: Omit<MessageOutcome, "errno"> = {};
    let start = NLMSG_HDRLEN + 4;
    if (this.type === NLMSG_ERROR) {
      if (this.length < start + NLMSG_HDRLEN) return found;
      start += this.flags & NLM_F_CAPPED ? NLMSG_HDRLEN : align4(this.view.getUint32(this.offset + start, true));
    }
    const attributes = new AttributeWalker(this.message(), start);
    while (attributes.next()) {
      if (attributes.type === NLMSGERR_ATTR_MSG) found.extAck = attributeString(attributes.payload());
      if (attributes.type === NLMSGERR_ATTR_OFFS) found.extAckOffset = attributeU32(attributes.payload());
    }
    return found;
  }
}

/**
 * A cursor over the attributes (nlattr/rtattr TLVs) of `bytes` from `start`, such as a
 * payload after its fixed header, or a nested attribute's payload from 0. Like
 * MessageWalker: false at the end or at the first framing error, kept in `error`.
 */
export class AttributeWalker extends LengthPrefixedWalker {
  /** nla_type without the nested and byte-order flags. */
  type = 0;

  constructor(bytes: Uint8Array, start: number) {
    // The kernel's own nla_ok() reads up to three trailing bytes as padding, so this does too.
    super(bytes, start, bytes.length, ATTRIBUTE_HEADER, "attribute", true);
  }

  next(): boolean {
    if (!this.step()) return false;
    this.type = this.view.getUint16(this.offset + 2, true) & ATTRIBUTE_TYPE_MASK;
    return true;
  }

  protected lengthAt(at: number): number {
    return this.view.getUint16(at, true);
  }
}

export interface NetlinkMessage {
  type: number;
  flags: number;
  sequence: number;
  /** The whole message, header included, as a view into the walked bytes. */
  bytes: Uint8Array;
  /** The payload after the 16-byte header. */
  payload: Uint8Array;
}

/** The messages of a stream (as dumps leave them in a sink), one object each; throws the
 * walker's FramingError where the stream breaks framing. */
export function* netlinkMessages(stream: Uint8Array): Generator<NetlinkMessage> {
  const walker = new MessageWalker(stream);
  while (walker.next()) {
    yield { type: walker.type, flags: walker.flags, sequence: walker.sequence, bytes: walker.message(), payload: walker.payload() };
  }
  if (walker.error) throw walker.error;
}

export interface NetlinkAttribute {
  type: number;
  payload: Uint8Array;
}

/** The attributes of `payload` from byte `start`, one object each; throws the walker's
 * FramingError where they break framing. */
export function* netlinkAttributes(payload: Uint8Array, start: number): Generator<NetlinkAttribute> {
  const walker = new AttributeWalker(payload, start);
  while (walker.next()) yield { type: walker.type, payload: walker.payload() };
  if (walker.error) throw walker.error;
}

/** A u32 attribute in host (little-endian) order; undefined when the value is too short. */
export function attributeU32(value: Uint8Array): number | undefined {
  return value.length >= 4 ? new DataView(value.buffer, value.byteOffset, 4).getUint32(0, true) : undefined;
}

/** A NUL-terminated string attribute (link names, ext-ack text). */
export function attributeString(value: Uint8Array): string {
  const end = value.indexOf(0);
  return new TextDecoder().decode(end < 0 ? value : value.subarray(0, end));
}

/** nlmsg_len of one encoded message (a capture's entry, say); 0 if it is too short. */
export function messageLength(message: Uint8Array): number {
  return message.length >= 4 ? new DataView(message.buffer, message.byteOffset, 4).getUint32(0, true) : 0;
}

/** nlmsg_type of one encoded message (a request about to be sent, say); 0 if it is too short. */
export function messageType(message: Uint8Array): number {
  return message.length >= 6 ? message[4] | (message[5] << 8) : 0;
}
