import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { spawnSync } from "node:child_process";
import { openSync, closeSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { AF_NETLINK, SOCK_CLOEXEC, SOCK_RAW } from "../../host/netlink/constants.ts";
import { dumpNamespace } from "../../host/netlink/dump.ts";
import { publishDump, receiveDump, type DumpProgress } from "../../host/netlink/dump-relay.ts";
import { DumpThread } from "../../host/netlink/dump-thread.ts";
import { createRing, DumpThreadStalled, RingReader, RingWriter } from "../../host/netlink/dump-ring.ts";
import { netlinkAttributes, netlinkMessages, NLMSG_DONE } from "../../host/netlink/messages.ts";
import { inNamespace } from "../../host/netlink/netns.ts";
import { GrowableSink } from "../../host/netlink/sink.ts";
import {
  DumpInterrupted,
  NetlinkError,
  NetlinkProtocolError,
  NetlinkSocket,
  type DumpSink,
} from "../../host/netlink/socket.ts";
import { sys, SysError } from "../../host/netlink/sys.ts";
import {
  assertCleanState, createNamespace, deleteNamespaces, ipBatch, namespaceTestsSkip, QUIET_VETH_PAIR, waitForSettledNamespace,
} from "../support/netns.ts";

/** Stands in for a socket: each dump commits the request's type byte, and the first
 * `interruptions` dumps of RTM_GETROUTE report DUMP_INTR (as in dump.test.ts). */
class ScriptedSocket {
  constructor(private interruptions: number) {}
  dump(request: Uint8Array, sink: DumpSink): void {
    sink.reserve(1)[0] = request[4];
    sink.commit(1);
    if (request[4] === 26 && this.interruptions > 0) {
      this.interruptions -= 1;
      throw new DumpInterrupted("RTM_GETROUTE");
    }
  }
}

/** Runs both halves on this thread: fine while everything published fits the ring. */
function relay(socket: Pick<NetlinkSocket, "dump">, sink: GrowableSink, progress: DumpProgress = {}, ring = createRing()): void {
  publishDump(socket, new RingWriter(ring));
  receiveDump(new RingReader(ring), sink, progress, 1000);
}

function sinkHolding(...bytes: number[]): GrowableSink {
  const sink = new GrowableSink(4);
  sink.reserve(bytes.length).set(bytes);
  sink.commit(bytes.length);
  return sink;
}

/** What an error exposes: class, message and own fields. */
const anatomy = (error: unknown) => ({
  prototype: Object.getPrototypeOf(error),
  message: (error as Error).message,
  fields: { ...(error as object) },
});

function caught(run: () => void): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  assert.fail("expected an error");
}

describe("dump ring, both halves on one thread", () => {
  it("replays datagrams, dump ends and restarts as dumpNamespace commits them", () => {
    const events: string[] = [];
    const sink = sinkHolding(0xaa);
    relay(new ScriptedSocket(2), sink, {
      afterDatagram: () => events.push(`datagram ${sink.bytes().at(-1)}`),
      afterDump: (index) => events.push(`dump ${index}`),
    });
    const inThread = sinkHolding(0xaa);
    dumpNamespace(new ScriptedSocket(2), inThread);
    assert.deepEqual([...sink.bytes()], [...inThread.bytes()]);
    assert.deepEqual([...sink.bytes()], [0xaa, 18, 22, 26, 30]);
    const attempt = ["datagram 18", "dump 0", "datagram 22", "dump 1", "datagram 26"];
    assert.deepEqual(events, [...attempt, ...attempt, ...attempt, "dump 2", "datagram 30", "dump 3"]);
  });

  it("calls afterRestart once per restart, with the sink already back at its start", () => {
    const lengthsAtRestart: number[] = [];
    const sink = sinkHolding(0xaa);
    relay(new ScriptedSocket(2), sink, { afterRestart: () => lengthsAtRestart.push(sink.bytes().length) });
    assert.deepEqual(lengthsAtRestart, [1, 1]);
  });

  it("starts over from the links when the worker's part is interrupted after this thread dumped them", () => {
    const lengthsAtRestart: number[] = [];
    const sink = sinkHolding(0xaa, 18); // the link dump, received by the calling thread
    const ring = createRing();
    publishDump(new ScriptedSocket(1), new RingWriter(ring), 1);
    receiveDump(new RingReader(ring), sink, { afterRestart: () => lengthsAtRestart.push(sink.bytes().length) }, 1000, 1);
    const inThread = sinkHolding(0xaa);
    dumpNamespace(new ScriptedSocket(1), inThread);
    assert.deepEqual([...sink.bytes()], [...inThread.bytes()]);
    assert.deepEqual(lengthsAtRestart, [1], "back before the calling thread's links");
  });

  it("gives up with dumpNamespace's own error when the namespace never holds still", () => {
    const viaRing = caught(() => relay(new ScriptedSocket(Infinity), new GrowableSink()));
    const inThread = caught(() => dumpNamespace(new ScriptedSocket(Infinity), new GrowableSink()));
    assert.deepEqual(anatomy(viaRing), anatomy(inThread));
    assert.match((viaRing as Error).message, /kept changing during 10 dump attempts/);
  });

  it("rethrows the worker's errors with their class, message and fields", () => {
    const errors = [
      new NetlinkError("RTM_GETROUTE", 22, "Invalid argument", "bad header", 20),
      new NetlinkError("RTM_GETLINK", 95, "Operation not supported", undefined, undefined),
      new NetlinkProtocolError("RTM_GETADDR", "3 stray bytes after the last message"),
      new SysError("recv", 9, "fd 7", "Bad file descriptor"),
      new Error("netlink RTM_GETNEIGH: no reply from the kernel before the receive timeout"),
    ];
    for (const thrown of errors) {
      const failing = {
        dump() {
          throw thrown;
        },
      };
      const rethrown = caught(() => relay(failing, new GrowableSink()));
      assert.deepEqual(anatomy(rethrown), anatomy(thrown), thrown.message);
      assert.ok(rethrown instanceof Error);
    }
  });

  it("grows the ring for a datagram larger than it, and refuses one beyond its limit", () => {
    const big = Uint8Array.from({ length: 10_000 }, (_, index) => index % 251);
    const sendingBig = {
      dump(request: Uint8Array, sink: DumpSink) {
        if (request[4] !== 18) return; // only the link dump: one record must fit
        sink.reserve(big.length).set(big);
        sink.commit(big.length);
      },
    };
    const sink = new GrowableSink();
    relay(sendingBig, sink, {}, createRing(4096, 16384));
    assert.deepEqual(sink.bytes(), big);

    const tooBig = caught(() => relay(sendingBig, new GrowableSink(), {}, createRing(4096, 8192)));
    assert.ok(tooBig instanceof RangeError);
    assert.match(tooBig.message, /10000-byte netlink datagram does not fit the dump thread's ring \(at most 8192 bytes\)/);
  });

  it("wraps records around the ring's end", () => {
    const ring = createRing(8192);
    const sink = new GrowableSink();
    for (let round = 0; round < 10; round++) {
      const filling = {
        dump(_request: Uint8Array, into: DumpSink) {
          into.reserve(1000).fill(round);
          into.commit(1000);
        },
      };
      relay(filling, sink, {}, ring); // about 4 KiB a round: the third wraps
    }
    const expected = Array.from({ length: 10 }, (_, round) => new Array<number>(4000).fill(round)).flat();
    assert.deepEqual([...sink.bytes()], expected);
  });

  it("drains the rest after the consumer fails, then rethrows the consumer's error", () => {
    const ring = createRing();
    publishDump(new ScriptedSocket(1), new RingWriter(ring));
    const reader = new RingReader(ring);
    const failure = new Error("decoder refused the datagram");
    const progress = {
      afterDatagram() {
        throw failure;
      },
    };
    assert.throws(() => receiveDump(reader, new GrowableSink(), progress, 1000), (error) => error === failure);
    assert.throws(() => reader.next(50), DumpThreadStalled, "nothing left behind in the ring");
  });

  it("reports a worker that publishes nothing as stalled", () => {
    const reader = new RingReader(createRing());
    const started = performance.now();
    assert.throws(() => receiveDump(reader, new GrowableSink(), {}, 100), /netlink dump thread stopped responding/);
    assert.ok(performance.now() - started < 1000);
  });
});

const RTM_NEWNEIGH = 28;
const NDMSG_SIZE = 12;
const NDA_CACHEINFO = 3;

/** Zeroes what differs between any two dumps: each message's sequence and port id, and a
 * neighbour's ages (NDA_CACHEINFO, in clock ticks). */
function withoutTimeAndSequence(stream: Uint8Array): Uint8Array {
  const copy = stream.slice();
  for (const message of netlinkMessages(copy)) {
    message.bytes.fill(0, 8, 16);
    if (message.type !== RTM_NEWNEIGH) continue;
    for (const attribute of netlinkAttributes(message.payload, NDMSG_SIZE)) {
      if (attribute.type === NDA_CACHEINFO) attribute.payload.fill(0);
    }
  }
  return copy;
}

const ROUTES = 6000;
const SETUP = [
  ...QUIET_VETH_PAIR,
  "addr add 10.1.0.1/16 dev veth0",
  "addr add 2001:db8:1::1/64 dev veth0 nodad",
  "neigh add 10.1.0.254 lladdr 02:00:00:00:00:fe dev veth0 nud permanent",
  ...Array.from({ length: ROUTES }, (_, i) => `route add 10.${100 + (i >> 8)}.${i & 255}.0/24 via 10.1.0.254 dev veth0`),
];

describe("DumpThread", () => {
  let thread: DumpThread;

  it("is not ready on the first call, then ready once booted", async () => {
    assert.equal(DumpThread.ready(), null);
    const deadline = Date.now() + 10_000;
    let ready: DumpThread | null;
    while (!(ready = DumpThread.ready())) {
      assert.equal(DumpThread.unavailable, undefined);
      assert.ok(Date.now() < deadline, "the dump thread did not boot within 10 s");
      await sleep(5);
    }
    thread = ready;
    assert.equal(DumpThread.ready(), thread, "one thread per process, reused");
  });

  it("surfaces a kernel refusal as the NetlinkError an in-thread dump throws", () => {
    // A generic-netlink socket: RTM_GETLINK's type (18) names no family there, so the
    // kernel answers ENOENT.
    const fd = sys.socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, 16);
    try {
      const viaThread = caught(() => thread.dump(fd, new GrowableSink()));
      const inThread = caught(() => dumpNamespace(NetlinkSocket.adopt(fd), new GrowableSink()));
      assert.ok(viaThread instanceof NetlinkError);
      assert.equal(viaThread.code, "ENOENT");
      assert.deepEqual(anatomy(viaThread), anatomy(inThread));
    } finally {
      sys.close(fd);
    }
  });

  it("surfaces a descriptor that is not a socket as the SysError an in-thread dump throws", () => {
    const fd = openSync("/dev/null", "r");
    try {
      const viaThread = caught(() => thread.dump(fd, new GrowableSink()));
      const inThread = caught(() => dumpNamespace(NetlinkSocket.adopt(fd), new GrowableSink()));
      assert.ok(viaThread instanceof SysError);
      assert.match(viaThread.message, /^sendto\(fd \d+, \d+ bytes\) failed: ENOTSOCK/);
      assert.deepEqual(anatomy(viaThread), anatomy(inThread));
    } finally {
      closeSync(fd);
    }
  });

  it("serves the next dump after dumps that failed on this thread's link dump, however quick", () => {
    const notSocket = openSync("/dev/null", "r");
    const socket = NetlinkSocket.open();
    try {
      for (let i = 0; i < 20; i++) assert.throws(() => thread.dump(notSocket, new GrowableSink()), SysError);
      const sink = new GrowableSink();
      thread.dump(socket.fd, sink);
      assert.ok([...netlinkMessages(sink.bytes())].some((message) => message.type === 16), "the links are in");
    } finally {
      socket.close();
      closeSync(notSocket);
    }
  });

  it("lets the process exit on its own after a dump", () => {
    const extension = import.meta.url.endsWith(".ts") ? ".ts" : ".js";
    const module = (name: string) => JSON.stringify(new URL(`../../host/netlink/${name}${extension}`, import.meta.url).href);
    const script = `
      const { DumpThread } = await import(${module("dump-thread")});
      const { NetlinkSocket } = await import(${module("socket")});
      const { GrowableSink } = await import(${module("sink")});
      let thread;
      while (!(thread = DumpThread.ready())) {
        if (DumpThread.unavailable) throw new Error(DumpThread.unavailable);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      const socket = NetlinkSocket.open();
      const sink = new GrowableSink();
      thread.dump(socket.fd, sink);
      socket.close();
      console.log(sink.length);`;
    const isDeno = "Deno" in globalThis;
    const args = isDeno ? ["eval", "--ext=js", script] : ["--input-type=module", "-e", script];
    const started = Date.now();
    const child = spawnSync(process.execPath, args, { encoding: "utf8", timeout: 10_000 });
    assert.equal(child.signal, null, `still running after 10 s; stderr: ${child.stderr}`);
    assert.equal(child.status, 0, child.stderr);
    assert.ok(Number(child.stdout) > 0, `printed ${child.stdout}`);
    assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
  });

  describe("in a live namespace", { skip: namespaceTestsSkip() }, () => {
    let namespace = "";
    let socket: NetlinkSocket;

    before(async () => {
      namespace = createNamespace();
      ipBatch(namespace, SETUP);
      // The kernel adds an ff02::16 neighbour a moment after the links come up; two
      // dumps compare equal only once the namespace has stopped changing.
      await waitForSettledNamespace(namespace);
      socket = inNamespace(namespace, () => NetlinkSocket.open());
    });
    after(() => {
      socket?.close();
      deleteNamespaces(namespace);
      assertCleanState();
    });

    function inThread(): Uint8Array {
      const sink = new GrowableSink();
      dumpNamespace(socket, sink);
      return withoutTimeAndSequence(sink.bytes());
    }

    it("commits what an in-thread dumpNamespace commits, message for message", () => {
      // Neighbour entries can still change between two dumps (the kernel's own ff02::16):
      // a few pairs are taken, and the first that agree is compared.
      let viaThread = new GrowableSink();
      let before: Uint8Array = new Uint8Array();
      for (let attempt = 0; attempt < 5; attempt++) {
        viaThread = new GrowableSink();
        viaThread.reserve(3).set([1, 2, 3]);
        viaThread.commit(3);
        before = inThread();
        thread.dump(socket.fd, viaThread);
        if (Buffer.compare(withoutTimeAndSequence(viaThread.bytes().subarray(3)), before) === 0) break;
      }
      assert.deepEqual([...viaThread.bytes().subarray(0, 3)], [1, 2, 3], "earlier sink content kept");
      const received = withoutTimeAndSequence(viaThread.bytes().subarray(3));
      const routes = [...netlinkMessages(received)].filter((message) => message.type === 24).length;
      assert.ok(routes >= ROUTES, `${routes} routes`);
      assert.ok(received.length > 256 * 1024, "more than the ring holds at once");
      assert.equal(Buffer.compare(received, before), 0, "same bytes as the in-thread dump");
    });

    it("calls afterDatagram once per commit and afterDump(0..3) after each dump's DONE", () => {
      const sink = new GrowableSink();
      let commits = 0;
      const counting = {
        get length() {
          return sink.length;
        },
        reserve: (bytes: number) => sink.reserve(bytes),
        commit(bytes: number) {
          commits += 1;
          sink.commit(bytes);
        },
        truncate: (length: number) => sink.truncate(length),
      };
      let datagrams = 0;
      const dumps: number[] = [];
      thread.dump(socket.fd, counting, {
        afterDatagram() {
          datagrams += 1;
          assert.equal(datagrams, commits, "called right after its commit");
        },
        afterDump(index) {
          dumps.push(index);
          const messages = [...netlinkMessages(sink.bytes().slice())];
          assert.equal(messages.at(-1)?.type, NLMSG_DONE, `dump ${index} ends with DONE`);
        },
      });
      assert.ok(commits > 4, `${commits} datagrams`);
      assert.equal(datagrams, commits);
      assert.deepEqual(dumps, [0, 1, 2, 3]);
    });
  });
});
