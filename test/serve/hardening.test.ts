// serve against clients that hold resources without using them, and against its own
// namespace going away (issue 18): a silent client is cut by the heartbeat and its place
// freed; a connection that never finishes its upgrade is closed, and only so many may be
// pending; snapshot requests have a budget; a deleted namespace ends the stream, exit 2.

import assert from "node:assert/strict";
import { connect as connectTcp, type Socket } from "node:net";
import { after, afterEach, before, describe, it } from "node:test";
import { main } from "../../host/cli.ts";
import { serveCommand } from "../../host/cli/serve.ts";
import { serve, type Server } from "../../host/serve/server.ts";
import { NamespaceGoneError } from "../../host/watch/namespace-presence.ts";
import { capturedIO } from "../apply/support.ts";
import { assertCleanState, createNamespace, deleteNamespaces, ip, namespaceTestsSkip } from "../support/netns.ts";
import { connect } from "./client.ts";

const SNAPSHOT_REQUEST_BINARY = new Uint8Array([0x0a, 0x00]);

/** A TCP connection to `address` (ws://HOST:PORT), and a promise of its close. */
async function rawConnection(address: string): Promise<{ socket: Socket; closed: Promise<void> }> {
  const { hostname, port } = new URL(address);
  const socket = connectTcp(Number(port), hostname);
  socket.on("error", () => {});
  const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
  await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
  return { socket, closed };
}

/** A client that completes the upgrade and then never answers (reading, so its close is seen). */
async function silentClient(address: string): Promise<{ socket: Socket; closed: Promise<void> }> {
  const connection = await rawConnection(address);
  const { host } = new URL(address);
  connection.socket.write(
    `GET / HTTP/1.1\r\nHost: ${host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n` +
      `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: katanet.v1\r\n\r\n`,
  );
  connection.socket.resume();
  return connection;
}

describe("serve under held resources and a vanishing namespace", { skip: namespaceTestsSkip() }, () => {
  let namespace: string;
  const servers: Server[] = [];
  const start = async (options: Parameters<typeof serve>[0] = {}) => {
    const server = await serve({ netns: namespace, ...options });
    servers.push(server);
    return server;
  };
  before(() => (namespace = createNamespace()));
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });
  after(() => {
    deleteNamespaces(namespace);
    assertCleanState();
  });

  it("a client that stops answering pings is cut, and its place under --max-clients freed", async () => {
    const server = await start({ maxClients: 1, heartbeatMs: 100 });
    const silent = await silentClient(server.address);
    await silent.closed;
    assert.equal(server.clients, 0);
    const client = await connect(server.address);
    assert.equal((await client.next()).seq, "0");
    client.socket.close();
  });

  it("a connection that never finishes its upgrade is closed; beyond the cap, at once", async () => {
    const quick = await start({ upgrades: { timeoutMs: 100 } });
    await (await rawConnection(quick.address)).closed;

    const capped = await start({ upgrades: { timeoutMs: 60_000, maxPending: 1 } });
    const first = await rawConnection(capped.address);
    const second = await rawConnection(capped.address);
    await second.closed;
    assert.equal(first.socket.destroyed, false);
    first.socket.destroy();
  });

  it("snapshot requests beyond the budget close the client with 1008", async () => {
    const server = await start();
    const client = await connect(server.address);
    for (let i = 0; i < 10; i++) client.socket.send(SNAPSHOT_REQUEST_BINARY);
    assert.deepEqual(await client.closed, { code: 1008, reason: "too many snapshot requests (a burst of 5, then one a second)" });
  });

  it("the namespace deleted: clients told why, onError gets a NamespaceGoneError; the CLI exits 2", async () => {
    const doomed = createNamespace();
    try {
      let failure: Error | undefined;
      await start({ netns: doomed, onError: (error) => (failure = error) });
      const client = await connect(servers[0].address);
      await client.next();
      ip(["netns", "del", doomed]);
      assert.deepEqual(await client.closed, { code: 1011, reason: `watch failed: network namespace ${doomed} no longer exists (it was deleted)` });
      assert.ok(failure instanceof NamespaceGoneError);

      const second = createNamespace();
      const io = capturedIO();
      let listening = () => {};
      const started = new Promise<void>((resolve) => (listening = resolve));
      io.err = (text) => {
        io.stderr += text;
        if (text.includes("listening")) listening();
      };
      const exit = serveCommand.run(["--netns", second], io);
      await started;
      ip(["netns", "del", second]);
      assert.equal(await exit, 2);
      assert.match(io.stderr, new RegExp(`\\nkatanet serve: stopped: network namespace ${second} no longer exists \\(it was deleted\\)\\n$`));
    } finally {
      deleteNamespaces(doomed);
    }
  });

  it("watch: the namespace deleted ends it with exit 2 and one line", async () => {
    const doomed = createNamespace();
    try {
      const io = capturedIO();
      let printed = () => {};
      const started = new Promise<void>((resolve) => (printed = resolve));
      io.out = (text) => {
        io.stdout += text;
        printed();
      };
      const exit = main(["watch", "--netns", doomed], io);
      await started;
      ip(["netns", "del", doomed]);
      assert.equal(await exit, 2);
      assert.equal(io.stderr, `katanet watch: network namespace ${doomed} no longer exists (it was deleted)\n`);
    } finally {
      deleteNamespaces(doomed);
    }
  });
});
