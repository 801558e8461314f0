import assert from "node:assert/strict";
import { after, afterEach, before, describe, it } from "node:test";
import { NetlinkBuilder } from "../../host/netlink/builder.ts";
import { dumpNamespace, routeDumpRequest } from "../../host/netlink/dump.ts";
import { netlinkAttributes, netlinkMessages, NLMSG_DONE, type NetlinkMessage } from "../../host/netlink/messages.ts";
import { assertInOriginalNamespace, inNamespace } from "../../host/netlink/netns.ts";
import { GrowableSink } from "../../host/netlink/sink.ts";
import { NetlinkError, NetlinkSocket, type DumpSink } from "../../host/netlink/socket.ts";
import { assertCleanState, createNamespace, deleteNamespaces, ipBatch, namespaceTestsSkip, QUIET_VETH_PAIR } from "../support/netns.ts";

const RTM_NEWLINK = 16;
const RTM_NEWADDR = 20;
const RTM_NEWROUTE = 24;
const RTM_NEWNEIGH = 28;
const NLM_F_CREATE = 0x400;
const NLM_F_EXCL = 0x200;
const AF_INET = 2;
const RT_TABLE_MAIN = 254;
const NUD_PERMANENT = 0x80;
const IFLA_IFNAME = 3;
const IFLA_LINKINFO = 18;
const IFLA_INFO_KIND = 1;
const IFA_LOCAL = 2;

const SETUP = [
  ...QUIET_VETH_PAIR,
  "addr add 10.1.0.1/24 dev veth0",
  "addr add 2001:db8:1::1/64 dev veth0 nodad",
  "route add 10.2.0.0/16 via 10.1.0.254 dev veth0",
  "route add 10.3.0.0/16 via 10.1.0.254 dev veth0",
  "neigh add 10.1.0.254 lladdr 02:00:00:00:00:fe dev veth0 nud permanent",
  "neigh add 10.1.0.253 lladdr 02:00:00:00:00:fd dev veth0 nud permanent",
];

const openIn = (namespace: string, strictChecking = false) =>
  inNamespace(namespace, () => NetlinkSocket.open({ strictChecking }));

function dumpAll(namespace: string): NetlinkMessage[] {
  const socket = openIn(namespace);
  try {
    const sink = new GrowableSink(64);
    dumpNamespace(socket, sink);
    return [...netlinkMessages(sink.bytes().slice())];
  } finally {
    socket.close();
  }
}

const ofType = (messages: NetlinkMessage[], type: number) => messages.filter((message) => message.type === type);

function linkNames(messages: NetlinkMessage[]): string[] {
  return ofType(messages, RTM_NEWLINK).map((link) => {
    const name = [...netlinkAttributes(link.payload, 16)].find((attribute) => attribute.type === IFLA_IFNAME);
    return new TextDecoder().decode(name?.payload.subarray(0, -1));
  });
}

/** A sink in WebAssembly.Memory that grows the memory on every reserve, detaching all
 * earlier views, the way the core's input area behaves under load. */
class WasmMemorySink implements DumpSink {
  readonly memory = new WebAssembly.Memory({ initial: 1 });
  length = 0;
  reserve(bytes: number): Uint8Array {
    this.memory.grow(Math.ceil(bytes / 65536));
    return new Uint8Array(this.memory.buffer, this.length, bytes);
  }
  commit(bytes: number): void {
    this.length += bytes;
  }
}

describe("netlink socket in a live namespace", { skip: namespaceTestsSkip() }, () => {
  let namespace = "";

  before(() => {
    namespace = createNamespace();
    ipBatch(namespace, SETUP);
  });
  afterEach(() => assertInOriginalNamespace());
  after(() => {
    deleteNamespaces(namespace);
    assertCleanState();
  });

  it("dumps links, addresses, routes and neighbours in order, each ending in one DONE", () => {
    const messages = dumpAll(namespace);
    const runs: number[] = [];
    for (const { type } of messages) if (runs.at(-1) !== type) runs.push(type);
    assert.deepEqual(runs, [RTM_NEWLINK, NLMSG_DONE, RTM_NEWADDR, NLMSG_DONE, RTM_NEWROUTE, NLMSG_DONE, RTM_NEWNEIGH, NLMSG_DONE]);
    assert.equal(ofType(messages, NLMSG_DONE).length, 4);
    const sequences = new Set(messages.map((message) => message.sequence));
    assert.equal(sequences.size, 4, "one sequence number per dump");
  });

  it("returns exactly what was configured", () => {
    const messages = dumpAll(namespace);
    assert.deepEqual(linkNames(messages).sort(), ["lo", "veth0", "veth1"]);
    assert.equal(ofType(messages, RTM_NEWADDR).length, 4, "127.0.0.1, ::1, 10.1.0.1, 2001:db8:1::1");
    const mainIpv4Routes = ofType(messages, RTM_NEWROUTE).filter(
      ({ payload }) => payload[0] === AF_INET && payload[4] === RT_TABLE_MAIN,
    );
    assert.equal(mainIpv4Routes.length, 3, "10.1.0.0/24, 10.2.0.0/16, 10.3.0.0/16");
    const permanentIpv4Neighbours = ofType(messages, RTM_NEWNEIGH).filter(
      ({ payload }) => payload[0] === AF_INET && new DataView(payload.buffer, payload.byteOffset).getUint16(8, true) === NUD_PERMANENT,
    );
    assert.equal(permanentIpv4Neighbours.length, 2);
  });

  it("receives straight into WebAssembly memory, re-fetching views as it grows", () => {
    const socket = openIn(namespace);
    try {
      const sink = new WasmMemorySink();
      socket.dump(routeDumpRequest(), sink);
      const received = [...netlinkMessages(new Uint8Array(sink.memory.buffer, 0, sink.length))];
      const expected = ofType(dumpAll(namespace), RTM_NEWROUTE).length;
      assert.equal(ofType(received, RTM_NEWROUTE).length, expected);
      assert.equal(received.at(-1)?.type, NLMSG_DONE);
    } finally {
      socket.close();
    }
  });

  it("acknowledges a write, and reports a refused one with errno and the kernel's text", () => {
    const socket = openIn(namespace);
    try {
      const addAddress = new NetlinkBuilder()
        .beginMessage(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL)
        .header(Uint8Array.of(AF_INET, 32, 0, 0, 1, 0, 0, 0)) // ifindex 1: lo
        .attr(IFA_LOCAL, Uint8Array.of(10, 9, 9, 9))
        .endMessage()
        .finish();
      socket.request(addAddress);
      assert.throws(() => socket.request(addAddress), (error: unknown) => {
        assert.ok(error instanceof NetlinkError);
        assert.equal(error.code, "EEXIST");
        assert.match(error.message, /RTM_NEWADDR failed: EEXIST/);
        return true;
      });

      const unknownKind = new NetlinkBuilder()
        .beginMessage(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL)
        .header(new Uint8Array(16))
        .attrCString(IFLA_IFNAME, "kn-bogus0")
        .beginNest(IFLA_LINKINFO)
        .attrCString(IFLA_INFO_KIND, "katanet-no-such-kind")
        .endNest()
        .endMessage()
        .finish();
      assert.throws(() => socket.request(unknownKind), (error: unknown) => {
        assert.ok(error instanceof NetlinkError);
        assert.equal(error.code, "ENOTSUP"); // errno 95, EOPNOTSUPP in the kernel's headers, as Node names it
        assert.match(error.extAck ?? "", /unknown device type/i);
        assert.match(error.message, /unknown device type/i);
        return true;
      });

      const sink = new GrowableSink();
      socket.dump(routeDumpRequest(), sink);
      assert.ok(sink.length > 0, "the socket still works after refusals");
    } finally {
      socket.close();
    }
  });

  it("turns an error in NLMSG_DONE's payload (strict checking) into a NetlinkError", () => {
    const socket = openIn(namespace, true);
    try {
      const badRequest = routeDumpRequest();
      badRequest[16 + 1] = 8; // rtm_dst_len: a strict FIB dump rejects it
      assert.throws(() => socket.dump(badRequest, new GrowableSink()), (error: unknown) => {
        assert.ok(error instanceof NetlinkError);
        assert.equal(error.code, "EINVAL");
        assert.match(error.extAck ?? "", /header/i);
        return true;
      });
      const sink = new GrowableSink();
      socket.dump(routeDumpRequest(), sink);
      assert.ok(sink.length > 0, "the socket still works after a refused dump");
    } finally {
      socket.close();
    }
  });

  it("refuses a dump of an unknown message type with NLMSG_ERROR", () => {
    const socket = openIn(namespace);
    try {
      const unknown = new NetlinkBuilder().beginMessage(99, 0x300).header(new Uint8Array(16)).endMessage().finish();
      assert.throws(() => socket.dump(unknown, new GrowableSink()), /netlink message type 99 failed: ENOTSUP/);
    } finally {
      socket.close();
    }
  });

  it("refuses use after close", () => {
    const socket = openIn(namespace);
    socket.close();
    assert.throws(() => socket.dump(routeDumpRequest(), new GrowableSink()), /used after close/);
  });
});
