import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  addressDumpRequest,
  dumpNamespace,
  linkDumpRequest,
  neighbourDumpRequest,
  routeDumpRequest,
} from "../../host/netlink/dump.ts";
import { GrowableSink } from "../../host/netlink/sink.ts";
import { DumpInterrupted, type DumpSink } from "../../host/netlink/socket.ts";
import { liveFixtures } from "../support/fixtures.ts";

const hex = (bytes: Uint8Array) => [...bytes].map((byte) => byte.toString(16).padStart(2, "0")).join("");

/** The fixtures' requests carry the Go library's sequence numbers; ours get theirs at send time. */
function withoutSequence(requestHex: string): string {
  return requestHex.slice(0, 16) + "00000000" + requestHex.slice(24);
}

describe("namespace dump requests", () => {
  it("are byte for byte the Go library's (fixture netlinkRequests), sequence aside", () => {
    const { netlinkRequests } = liveFixtures()[0] as unknown as {
      netlinkRequests: Record<"links" | "addrs" | "routes" | "neighs", string[]>;
    };
    assert.equal(hex(linkDumpRequest()), withoutSequence(netlinkRequests.links[0]));
    assert.equal(hex(addressDumpRequest()), withoutSequence(netlinkRequests.addrs[0]));
    assert.equal(hex(routeDumpRequest()), withoutSequence(netlinkRequests.routes[0]));
    assert.equal(hex(neighbourDumpRequest()), withoutSequence(netlinkRequests.neighs[0]));
  });
});

/** Stands in for a socket: each dump commits the request's type byte, and the first
 * `interruptions` dumps of RTM_GETROUTE report DUMP_INTR. */
class ScriptedSocket {
  dumps = 0;
  constructor(private interruptions: number) {}
  dump(request: Uint8Array, sink: DumpSink): void {
    this.dumps += 1;
    sink.reserve(1)[0] = request[4];
    sink.commit(1);
    if (request[4] === 26 && this.interruptions > 0) {
      this.interruptions -= 1;
      throw new DumpInterrupted("RTM_GETROUTE");
    }
  }
}

describe("dumpNamespace", () => {
  it("repeats all four dumps from scratch after an interrupted one, keeping earlier sink content", () => {
    const sink = new GrowableSink(4);
    sink.reserve(1)[0] = 0xaa;
    sink.commit(1);
    const socket = new ScriptedSocket(2);
    dumpNamespace(socket, sink);
    assert.deepEqual([...sink.bytes()], [0xaa, 18, 22, 26, 30]);
    assert.equal(socket.dumps, 3 * 3 + 1);
  });

  it("gives up with a clear error when the namespace never holds still", () => {
    assert.throws(() => dumpNamespace(new ScriptedSocket(Infinity), new GrowableSink()), /kept changing during 10 dump attempts \(RTM_GETROUTE\)/);
  });

  it("lets other errors through untouched", () => {
    const failing = {
      dump() {
        throw new Error("boom");
      },
    };
    assert.throws(() => dumpNamespace(failing, new GrowableSink()), /^Error: boom$/);
  });
});
