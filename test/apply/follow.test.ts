// katanet follow against a stand-in for `katanet serve` (a local WebSocket server speaking
// subprotocol katanet.v1 with katanet.Envelope frames built from scans of A): the snapshot
// configures B, then A changes (a route with an MTU, a new address, a neighbour) and the
// change envelopes bring B along. Convergence is polled against a deadline.

import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import protobuf from "protobufjs";
import { WebSocketServer } from "ws";
import { followCommand } from "../../host/cli/follow.ts";
import { decode, encode, typeByName } from "../../host/schema.ts";
import { encodeEnvelope } from "../../host/watch/envelope.ts";
import { assertCleanState, createNamespace, deleteNamespaces, ip, ipBatch, namespaceTestsSkip } from "../support/netns.ts";
import { buildMirror, capturedIO, seedMessages } from "./support.ts";

const MAC = "02:00:00:00:cc:01";

/** katanet.Envelope by field number (proto/katanet.proto). */
function envelope(seq: number, field: number, body: Uint8Array): Uint8Array {
  return protobuf.Writer.create().uint32(8).uint64(seq).uint32((field << 3) | 2).bytes(body).finish();
}

function snapshotOf(namespace: string): Uint8Array {
  const messages = seedMessages(namespace);
  const neighbours = decode("AddARPNeighborsRequest", messages.addArpNeighborsRequest).neighbors ?? { ARPNeighbors: [] };
  return protobuf.Writer.create()
    .uint32(10).bytes(messages.interfacesList)
    .uint32(18).bytes(messages.routesList)
    .uint32(26).bytes(encode("ARPNeighbors", neighbours))
    .finish();
}

async function until(what: string, check: () => boolean, deadlineMs = 5000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!check()) {
    if (Date.now() > deadline) assert.fail(`B did not converge: ${what}`);
    await sleep(50);
  }
}

describe("katanet follow", { skip: namespaceTestsSkip() }, () => {
  after(() => assertCleanState());

  it("applies the snapshot, then each change, as they arrive", async () => {
    const a = createNamespace();
    const aPeer = createNamespace();
    const mirror = buildMirror([{ name: "eth0", hwAddr: MAC }]);
    const server = new WebSocketServer({ host: "127.0.0.1", port: 0, handleProtocols: (protocols) => (protocols.has("katanet.v1") ? "katanet.v1" : false) });
    let stop = () => {};
    const io = capturedIO();
    io.stopped = new Promise<void>((resolve) => (stop = resolve));
    try {
      ipBatch(aPeer, [`link add p0 type veth peer name eth0 netns ${a} address ${MAC}`, "link set p0 up"]);
      ipBatch(a, ["addr add 10.0.0.2/24 dev eth0", "link set eth0 up", "route add default via 10.0.0.1"]);
      const connected = new Promise<import("ws").WebSocket>((resolve) => server.on("connection", resolve));
      await new Promise((resolve) => server.on("listening", resolve));
      const { port } = server.address() as { port: number };
      const following = followCommand.run([`ws://127.0.0.1:${port}`, "--netns", mirror.namespace], io);
      const client = await connected;
      client.send(envelope(0, 2, snapshotOf(a)));
      await until("snapshot's default route", () => /default via 10\.0\.0\.1/.test(ip(["-n", mirror.namespace, "route"])));

      ipBatch(a, [
        "addr add 10.0.0.3/24 dev eth0",
        "route add 10.9.0.0/16 via 10.0.0.1 mtu 1400",
        "neigh add 10.0.0.7 lladdr 02:00:00:00:00:07 dev eth0",
      ]);
      const changed = seedMessages(a);
      client.send(envelope(1, 3, changed.updateInterfaceRequests[0]));
      client.send(envelope(2, 4, changed.updateRoutesRequest));
      client.send(envelope(3, 5, changed.addArpNeighborsRequest));
      await until("new address", () => /inet 10\.0\.0\.3\/24/.test(ip(["-n", mirror.namespace, "addr", "show", "eth0"])));
      await until("route with mtu 1400", () => /10\.9\.0\.0\/16 via 10\.0\.0\.1 dev eth0 mtu 1400/.test(ip(["-n", mirror.namespace, "route"])));
      await until("neighbour", () => /10\.0\.0\.7 dev eth0 lladdr 02:00:00:00:00:07 PERMANENT/.test(ip(["-n", mirror.namespace, "neigh"])));

      // Only the links left out upstream changed: said, nothing written, and in line.
      client.send(encodeEnvelope({ seq: 4n, kind: "leftOut", skipped: [{ name: "br0", reason: "Unsupported network interface: bridge" }] }));
      await until("the left-out links reported", () => io.stdout.includes("change 4: only the links left out upstream changed"));

      const asked = new Promise<Buffer>((resolve) => client.once("message", (data) => resolve(data as Buffer)));
      client.send(envelope(2, 4, changed.updateRoutesRequest));
      // A step back is not skipped silently: the follower asks for a fresh snapshot.
      assert.deepEqual(typeByName("katanet.ClientRequest").toObject(typeByName("katanet.ClientRequest").decode(await asked)), { snapshot: {} });
      stop();
      assert.equal(await following, 0);
      assert.match(io.stdout, /^snapshot 0: \d+ writes? applied, 0 skipped\nchange 1: /);
      assert.match(io.stdout, /\nchange 4: only the links left out upstream changed, now br0 \(Unsupported network interface: bridge\); nothing to apply\n/);
      assert.match(io.stdout, /\nchange 2 is not newer than 4; skipped, asking for a snapshot\n$/);
      assert.equal(io.stderr, "");
    } finally {
      stop();
      server.close();
      mirror.delete();
      deleteNamespaces(a, aPeer);
    }
  });

  it("reports a stream it cannot reach: exit 1", async () => {
    const mirror = buildMirror([{ name: "eth0", hwAddr: MAC }]);
    try {
      const io = capturedIO();
      assert.equal(await followCommand.run(["ws://127.0.0.1:1", "--netns", mirror.namespace], io), 1);
      assert.match(io.stderr, /katanet follow: ws:\/\/127\.0\.0\.1:1: connect ECONNREFUSED/);
    } finally {
      mirror.delete();
    }
  });
});
