// The host's netlink framing walkers on bytes written out here field by field (as
// rust-netlink's packet crates test theirs), so they are tested without a kernel: a
// multi-part reply ending in DONE, an NLMSG_ERROR with its extended ack, and streams whose
// header is cut short or whose length lies, where the walker stops and keeps the first error.
import { test } from "node:test";
import assert from "node:assert/strict";
import { kernelLinks } from "../../host/format/link-flags.ts";
import { linkHeader, routeHeader } from "../../host/netlink/headers.ts";
import {
  AttributeWalker,
  FramingError,
  MessageWalker,
  NLMSG_DONE,
  NLMSG_ERROR,
  NLM_F_MULTI,
  netlinkAttributes,
  netlinkMessages,
} from "../../host/netlink/messages.ts";

const bytes = (...fields: string[]): Uint8Array => Uint8Array.from(fields.join("").match(/../g)!.map((pair) => parseInt(pair, 16)));

const FIRST = [
  "14000000", "1000", "0200", "07000000", "39300000", // 20 bytes, RTM_NEWLINK, NLM_F_MULTI, seq 7, port 12345
  "01020304", // payload
];
const SECOND = [
  "11000000", "1000", "0200", "07000000", "39300000", // 17 bytes: one payload byte, then padding to 20
  "aa", "000000",
];
const DONE = [
  "14000000", "0300", "0200", "07000000", "39300000", // NLMSG_DONE, NLM_F_MULTI
  "00000000", // the dump's error: none
];

test("a multi-part reply: every part in order, aligned, up to NLMSG_DONE", () => {
  const walker = new MessageWalker(bytes(...FIRST, ...SECOND, ...DONE));
  const seen: [number, number, number, number, number[]][] = [];
  while (walker.next()) seen.push([walker.offset, walker.type, walker.flags, walker.sequence, [...walker.payload()]]);
  assert.deepEqual(seen, [
    [0, 16, NLM_F_MULTI, 7, [1, 2, 3, 4]],
    [20, 16, NLM_F_MULTI, 7, [0xaa]],
    [40, NLMSG_DONE, NLM_F_MULTI, 7, [0, 0, 0, 0]],
  ]);
  assert.equal(walker.error, undefined);
  assert.equal(walker.port, 12345);
});

test("the walker stops at a given end: the rest of a receive buffer is not read", () => {
  const buffer = new Uint8Array(200).fill(0xff);
  buffer.set(bytes(...FIRST));
  const walker = new MessageWalker(buffer, 20);
  assert.ok(walker.next());
  assert.equal(walker.next(), false);
  assert.equal(walker.error, undefined);
});

test("a header cut short after the last message is an error at its offset", () => {
  const walker = new MessageWalker(bytes(...FIRST, "0800000010000200"));
  assert.ok(walker.next());
  assert.equal(walker.next(), false);
  assert.ok(walker.error instanceof FramingError);
  assert.equal(walker.error.offset, 20);
  assert.match(walker.error.message, /^8 stray bytes after the last message, at byte 20/);
});

test("a length that lies, past the end or shorter than a header, is an error naming the claim", () => {
  const past = new MessageWalker(bytes(...FIRST, "00010000", ...SECOND.slice(1)));
  assert.ok(past.next());
  assert.equal(past.next(), false);
  assert.equal(past.error?.offset, 20);
  assert.equal(past.error?.message, "message at byte 20 claims 256 bytes, 20 remain");

  const short = new MessageWalker(bytes("08000000", ...FIRST.slice(1)));
  assert.equal(short.next(), false);
  assert.equal(short.error?.message, "message at byte 0 claims 8 bytes, 20 remain");
});

test("the first error is kept: the walker goes no further and later calls change nothing", () => {
  const walker = new MessageWalker(bytes("ff000000", ...FIRST.slice(1), ...SECOND));
  assert.equal(walker.next(), false);
  const first = walker.error;
  assert.equal(first?.offset, 0);
  assert.equal(walker.next(), false);
  assert.equal(walker.error, first);
});

test("netlinkMessages yields the messages before the fault, then throws the walker's error", () => {
  const seen: number[] = [];
  assert.throws(
    () => {
      for (const message of netlinkMessages(bytes(...FIRST, ...SECOND, "000100000300"))) seen.push(message.bytes.length);
    },
    (error: unknown) => error instanceof FramingError && error.offset === 40,
  );
  assert.deepEqual(seen, [20, 17]);
});

// A refused RTM_NEWLINK, as a socket with NETLINK_CAP_ACK and NETLINK_EXT_ACK receives it.
const REFUSAL = [
  "40000000", "0200", "0003", "05000000", "00000000", // 64 bytes, NLMSG_ERROR, NLM_F_CAPPED | NLM_F_ACK_TLVS, seq 5
  "eaffffff", // -EINVAL
  "20000000", "1000", "0506", "05000000", "00000000", // the request's header, echoed alone (capped)
  "0c00", "0100", "626164206d747500", // NLMSGERR_ATTR_MSG "bad mtu\0"
  "0800", "0300", "deadbeef", // NLMSGERR_ATTR_COOKIE: not read
  "0800", "0200", "1c000000", // NLMSGERR_ATTR_OFFS 28: where in the request
];

test("NLMSG_ERROR: errno, the extended-ack text and offset, other ack attributes skipped", () => {
  const walker = new MessageWalker(bytes(...REFUSAL));
  assert.ok(walker.next());
  assert.equal(walker.type, NLMSG_ERROR);
  assert.deepEqual(walker.outcome(), { errno: 22, extAck: "bad mtu", extAckOffset: 28 });
});

test("NLMSG_ERROR uncapped: the ext-ack attributes come after the whole echoed request", () => {
  const walker = new MessageWalker(bytes(
    "38000000", "0200", "0002", "05000000", "00000000", // 56 bytes, NLMSG_ERROR, NLM_F_ACK_TLVS
    "edffffff", // -ENODEV
    "18000000", "1000", "0506", "05000000", "00000000", "aabbccdd", "01020304", // the echoed 24-byte request
    "0b00", "0100", "6e6f206465760000", // NLMSGERR_ATTR_MSG "no dev\0", padded
  ));
  assert.ok(walker.next());
  assert.deepEqual(walker.outcome(), { errno: 19, extAck: "no dev" });
});

test("an acknowledgement is errno 0; a DONE without payload is success; an ERROR without code breaks framing", () => {
  const ack = new MessageWalker(bytes("24000000", "0200", "0001", "05000000", "00000000", "00000000", "20000000", "1000", "0506", "05000000", "00000000"));
  assert.ok(ack.next());
  assert.deepEqual(ack.outcome(), { errno: 0 });

  const bareDone = new MessageWalker(bytes("10000000", "0300", "0200", "07000000", "00000000"));
  assert.ok(bareDone.next());
  assert.deepEqual(bareDone.outcome(), { errno: 0 });

  const bareError = new MessageWalker(bytes("10000000", "0200", "0000", "05000000", "00000000"));
  assert.ok(bareError.next());
  assert.equal(bareError.outcome(), undefined);
  assert.equal(bareError.error?.message, "NLMSG_ERROR at byte 0 has 0 payload bytes, too few for its error code");
});

// One RTM_NEWLINK: an attribute type this code has no use for sits between the ones read.
const LINK = [
  "3c000000", "1000", "0200", "01000000", "00000000", // 60 bytes, RTM_NEWLINK, NLM_F_MULTI
  "00", "00", "0100", "02000000", "43100100", "00000000", // ifinfomsg: ARPHRD_ETHER, index 2, UP|BROADCAST|RUNNING|MULTICAST|LOWER_UP
  "0700", "fe7f", "abcdef", "00", // type 0x7ffe, unknown here (its top bit set besides), padded
  "0900", "0300", "6574683000", "000000", // IFLA_IFNAME "eth0\0", padded
  "0800", "0400", "dc050000", // IFLA_MTU 1500
];

test("attributes: an unknown one is walked over, the known ones after it are read", () => {
  const [link] = [...netlinkMessages(bytes(...LINK))];
  const attributes = [...netlinkAttributes(link.payload, 16)].map((attribute) => [attribute.type, attribute.payload.length]);
  assert.deepEqual(attributes, [[0x3ffe, 3], [3, 5], [4, 4]], "the nested and byte-order bits are not part of the type");
  assert.deepEqual(linkHeader(link.payload), { family: 0, deviceType: 1, index: 2, flags: 0x11043, change: 0 });
  assert.deepEqual([...kernelLinks(bytes(...LINK))], [["eth0", { index: 2, flags: 0x11043 }]]);
});

test("an attribute whose length lies stops the walk there, keeping that error", () => {
  const payload = bytes("0800", "0400", "dc050000", "4000", "0300", "657468");
  const walker = new AttributeWalker(payload, 0);
  assert.ok(walker.next());
  assert.equal(walker.next(), false);
  assert.equal(walker.error?.offset, 8);
  assert.equal(walker.error?.message, "attribute at byte 8 claims 64 bytes, 7 remain");
  assert.equal(walker.next(), false);
  assert.throws(() => [...netlinkAttributes(payload, 0)], /attribute at byte 8 claims 64 bytes/);
});

test("up to three bytes after the last attribute are padding, as the kernel reads them", () => {
  const walker = new AttributeWalker(bytes("0800", "0400", "dc050000", "000000"), 0);
  assert.ok(walker.next());
  assert.equal(walker.next(), false);
  assert.equal(walker.error, undefined);
});

test("a payload too short for its fixed header is a framing error, not a misread", () => {
  assert.throws(() => routeHeader(bytes("02100000fe030001")), (error: unknown) =>
    error instanceof FramingError && error.message === "payload of 8 bytes is too short for its rtmsg (12)");
});
