import assert from "node:assert/strict";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, afterEach, before, describe, it } from "node:test";
import { assertInOriginalNamespace } from "../../host/netlink/netns.ts";
import { serve, type Server } from "../../host/serve/server.ts";
import { decodeEnvelopeToJson, encodeEnvelope } from "../../host/watch/envelope.ts";
import { assertCleanState, createNamespace, deleteNamespaces, ipBatch, namespaceTestsSkip } from "../support/netns.ts";
import { kindOf, PATIENCE_MS, waitFor } from "../watch/envelopes.ts";
import { routeBurst, SETUP, toSnapshot } from "../watch/scenario.ts";
import { applyEnvelope } from "./client-state.ts";
import { connect, upgradeStatus } from "./client.ts";

const skip = namespaceTestsSkip();

const SNAPSHOT_REQUEST_BINARY = new Uint8Array([0x0a, 0x00]);

describe("serve", { skip }, () => {
  let namespace: string;
  const servers: Server[] = [];
  const directory = mkdtempSync(join(tmpdir(), "katanet-serve-"));
  const start = async (options: Parameters<typeof serve>[0] = {}) => {
    const server = await serve({ netns: namespace, ...options });
    servers.push(server);
    return server;
  };

  before(() => {
    namespace = createNamespace();
    ipBatch(namespace, SETUP);
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
    assertInOriginalNamespace();
  });
  after(() => {
    rmSync(directory, { recursive: true, force: true });
    deleteNamespaces(namespace);
    assertCleanState();
  });

  it("sends a snapshot on connect, changes after it, and a snapshot on request (binary and JSON)", async () => {
    const server = await start();
    const binary = await connect(server.address, { protocol: "katanet.v1" });
    const json = await connect(server.address, { protocol: "katanet.json.v1" });
    // Every envelope names the links left out, with the reason.
    const skipped = [{ name: "lo", reason: "loopback" }, { name: "peer0", reason: "no-addresses" }];
    for (const client of [binary, json]) assert.deepEqual(await client.next(), { seq: "0", skipped, snapshot: toSnapshot(namespace) });

    ipBatch(namespace, ["route add default via 10.1.0.254 dev eth0 mtu 1400"]);
    for (const client of [binary, json]) {
      const routes = await waitFor(client.next, "route update", (envelope) => ("updateRoutes" in envelope ? envelope.updateRoutes.routes?.Routes : undefined));
      assert.equal(routes.find((route) => route.dest === "")?.mtu, 1400);
    }

    binary.socket.send(SNAPSHOT_REQUEST_BINARY);
    json.socket.send(JSON.stringify({ snapshot: {} }));
    for (const client of [binary, json]) {
      const envelope = await client.next();
      assert.equal(kindOf(envelope), "snapshot");
      assert.equal(envelope.seq, "1", "a snapshot carries the number of the last change it includes");
    }
    ipBatch(namespace, ["route del default"]);
  });

  it("ends with the same state as a fresh scan after a 20,000-route burst overflows the watcher", async () => {
    const server = await start({ receiveBufferBytes: 4096 });
    const client = await connect(server.address);
    let state = applyEnvelope(undefined, await client.next());
    ipBatch(namespace, routeBurst());
    await waitFor(client.next, "resync", (envelope) => {
      state = applyEnvelope(state, envelope);
      return "resync" in envelope ? true : undefined;
    });
    assert.deepEqual(state, toSnapshot(namespace));
  });

  it("closes only the client whose frame is too large, with 1009", async () => {
    const server = await start();
    const oversized = await connect(server.address);
    const other = await connect(server.address);
    await oversized.next();
    await other.next();
    oversized.socket.send(new Uint8Array(5000));
    assert.equal((await oversized.closed).code, 1009);
    other.socket.send(SNAPSHOT_REQUEST_BINARY);
    assert.equal(kindOf(await other.next()), "snapshot");
  });

  it("closes a client that sends something other than a snapshot request, with 1007", async () => {
    const server = await start();
    const client = await connect(server.address, { protocol: "katanet.json.v1" });
    await client.next();
    client.socket.send(JSON.stringify({ subscribe: "everything" }));
    const { code, reason } = await client.closed;
    assert.equal(code, 1007);
    assert.match(reason, /unsupported request/);
  });

  it("closes a client that never reads with 1013 while another keeps receiving", async () => {
    // Big route sets make every update large, so unread frames pile up quickly.
    ipBatch(namespace, Array.from({ length: 3000 }, (_, i) => `route add 10.100.${i >> 8}.${i & 255}/32 via 10.1.0.254 dev eth0`));
    const server = await start({ coalesceMs: 1, maxBufferedBytes: 256 * 1024, closeGraceMs: PATIENCE_MS });
    const slow = await connect(server.address);
    const fast = await connect(server.address);
    await slow.next();
    await fast.next();
    slow.socket.pause();
    try {
      for (let i = 0; server.clients === 2; i++) {
        if (i === 2000) throw new Error("the slow client was never closed");
        const route = `10.101.${i >> 8}.${i & 255}/32`;
        ipBatch(namespace, [`route add ${route} via 10.1.0.254 dev eth0`]);
        const destination = route.split("/")[0];
        await waitFor(fast.next, `routes with ${route}`, (envelope) =>
          "updateRoutes" in envelope && envelope.updateRoutes.routes?.Routes.some((r) => r.dest.startsWith(destination)) ? true : undefined,
        );
      }
    } finally {
      slow.socket.resume();
    }
    assert.equal((await slow.closed).code, 1013);
    assert.equal(fast.socket.readyState, fast.socket.OPEN);
    fast.socket.send(SNAPSHOT_REQUEST_BINARY);
    assert.equal(kindOf(await waitFor(fast.next, "snapshot", (envelope) => ("snapshot" in envelope ? envelope : undefined))), "snapshot");
    ipBatch(namespace, ["route flush root 10.100.0.0/16", "route flush root 10.101.0.0/16"]);
  });

  it("refuses a non-loopback listener without a token, and clients without the token when it has one", async () => {
    await assert.rejects(serve({ netns: namespace, listen: "0.0.0.0:0" }), /exposes the namespace beyond this machine/);
    const tokenFile = join(directory, "token");
    writeFileSync(tokenFile, "open-sesame\n", { mode: 0o600 });
    const server = await start({ listen: "0.0.0.0:0", tokenFile });
    const port = new URL(server.address).port;
    const address = `ws://127.0.0.1:${port}`;
    assert.equal(await upgradeStatus(address), 401);
    assert.equal(await upgradeStatus(address, { headers: { Authorization: "Bearer wrong" } }), 401);
    assert.equal(await upgradeStatus(address, { headers: { Authorization: "Bearer open-sesame" } }), 101);
  });

  it("refuses browser origins unless allowed, one client too many, and clients without a katanet subprotocol", async () => {
    const server = await start({ maxClients: 2, allowedOrigins: ["https://console.example"] });
    assert.equal(await upgradeStatus(server.address, { origin: "https://evil.example" }), 403);
    assert.equal(await upgradeStatus(server.address, { protocol: "chat" }), 400);
    const allowed = await connect(server.address, { origin: "https://console.example" });
    const second = await connect(server.address);
    assert.equal(await upgradeStatus(server.address), 503);
    allowed.socket.close();
    second.socket.close();
  });

  it("listens on a Unix socket only its owner can open", async () => {
    const path = join(directory, "katanet.sock");
    const server = await start({ unix: path });
    assert.equal(statSync(path).mode & 0o777, 0o600);
    const client = await connect(`ws+unix:${path}`);
    assert.equal(kindOf(await client.next()), "snapshot");
    client.socket.close();
    assert.equal(server.address, `unix:${path}`);
  });

  it("encodes an envelope as proto/katanet.proto lays it out", () => {
    const skipped = [{ name: "br0", reason: "Unsupported network interface: bridge" }];
    const frame = encodeEnvelope({ seq: 7n, kind: "interfaceRemoved", name: "eth9", hwAddr: "02:00:00:00:00:09", skipped });
    // seq = 7 (field 1), interface_removed (field 6) { name (1), hwAddr (2) }, skipped (field 9) { name (1), reason (2) }
    assert.deepEqual([...frame], [
      0x08, 0x07, 0x32, 0x19, 0x0a, 0x04, ...Buffer.from("eth9"), 0x12, 0x11, ...Buffer.from("02:00:00:00:00:09"),
      0x4a, 0x2c, 0x0a, 0x03, ...Buffer.from("br0"), 0x12, 0x25, ...Buffer.from(skipped[0].reason),
    ]);
    assert.deepEqual(decodeEnvelopeToJson(frame), { seq: "7", skipped, interfaceRemoved: { name: "eth9", hwAddr: "02:00:00:00:00:09" } });
  });

  it("keeps every bit of a uint64 seq, 2^64 - 1 included", () => {
    const frame = encodeEnvelope({ seq: 2n ** 64n - 1n, kind: "interfaceRemoved", name: "eth9", hwAddr: "02:00:00:00:00:09", skipped: [] });
    assert.equal(decodeEnvelopeToJson(frame).seq, "18446744073709551615");
  });
});
