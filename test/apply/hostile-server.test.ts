// `katanet follow` against a hostile or broken server (issue 18): for each thing such a
// server was seen to do, the namespace afterwards is as it was before (or as intended),
// and follow says what happened, with the exit code the README gives.

import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { createServer, type Socket } from "node:net";
import { after, describe, it } from "node:test";
import { assertCleanState, ip, ipBatch, namespaceTestsSkip } from "../support/netns.ts";
import { envelope, hostileServer, nextRequest, startFollow, until, type HostileServer } from "./hostile.ts";
import { buildMirror, settle, stateOf, type Mirror } from "./support.ts";

const MAC = "02:00:00:00:dd:01";
const ETH0 = { name: "eth0", hwAddr: MAC, mtu: 1500, IPAddresses: [{ family: 0, address: "10.0.0.2", mask: "24" }] };

/** B: eth0 configured as a pod's NIC, and extra0, a link the stream never mentions, with
 * routes in the main table and in table 100. */
function podMirror(): Mirror {
  const mirror = buildMirror([{ name: "eth0", hwAddr: MAC }]);
  try {
    ipBatch(mirror.namespace, [
      "link set lo up",
      "link set eth0 up",
      "addr add 10.0.0.2/24 dev eth0",
      "route add default via 10.0.0.1",
      "link add extra0 type veth peer name extra0p",
      "link set extra0 up",
      "link set extra0p up",
      "addr add 192.0.2.2/24 dev extra0",
      "route add 198.51.100.0/24 via 192.0.2.1 dev extra0",
      "route add 203.0.113.0/24 dev extra0 table 100",
    ]);
  } catch (error) {
    mirror.delete();
    throw error;
  }
  return mirror;
}

describe("katanet follow against a hostile server", { skip: namespaceTestsSkip() }, () => {
  let server: HostileServer;
  let mirror: Mirror | undefined;
  const setUp = async () => {
    server = await hostileServer();
    mirror = podMirror();
    await settle(mirror.namespace);
    return mirror.namespace;
  };
  const tearDown = async () => {
    await server.close();
    mirror?.delete();
    mirror = undefined;
  };
  after(() => assertCleanState());

  it("MTU 0 or 70000, a name with '/', of 200 characters, or lo: each frame refused whole, nothing written", async () => {
    const namespace = await setUp();
    try {
      const before = stateOf(namespace);
      const follow = startFollow([server.url, "--netns", namespace]);
      const client = await server.nextClient();
      const bad = [{ ...ETH0, mtu: 0 }, { ...ETH0, mtu: 70000 }, { ...ETH0, name: "../../x" }, { ...ETH0, name: "x".repeat(200) }, { ...ETH0, name: "lo" }];
      bad.forEach((iface, i) => client.send(envelope(i, "snapshot", { interfaces: [iface], routes: [] })));
      await until("five frames reported", () => follow.io.stderr.split("\n").length > bad.length);
      follow.stop();
      assert.equal(await follow.done, 0);
      assert.deepEqual(stateOf(namespace), before);
      assert.deepEqual(follow.io.stderr.split("\n").slice(0, 5), [
        "envelope 0 failed: interfaces[0].mtu 0: out of the range eth0 accepts (68-65535)",
        "envelope 1 failed: interfaces[0].mtu 70000: out of the range eth0 accepts (68-65535)",
        `envelope 2 failed: interfaces[0].name "../../x": a link name cannot contain '/', ':', whitespace or NUL`,
        `envelope 3 failed: interfaces[0].name "${"x".repeat(200)}": a link name has at most 15 bytes, this one 200`,
        `envelope 4 failed: interfaces[0].name "lo": is the loopback device's name; no link is renamed to or from it`,
      ]);
    } finally {
      await tearDown();
    }
  });

  it("an empty route update deletes only the described links' main-table routes", async () => {
    const namespace = await setUp();
    try {
      const follow = startFollow([server.url, "--netns", namespace]);
      const client = await server.nextClient();
      client.send(envelope(0, "snapshot", { interfaces: [ETH0], routes: [{ dest: "", gateway: "10.0.0.1", device: "eth0" }] }));
      client.send(envelope(1, "updateRoutes", { routes: [] }));
      await until("the route update applied", () => follow.io.stdout.includes("change 1:"));
      follow.stop();
      assert.equal(await follow.done, 0);
      assert.doesNotMatch(ip(["-n", namespace, "route"]), /default/);
      assert.match(ip(["-n", namespace, "route"]), /198\.51\.100\.0\/24 via 192\.0\.2\.1 dev extra0/);
      assert.match(ip(["-n", namespace, "route", "show", "table", "100"]), /203\.0\.113\.0\/24 dev extra0/);
      assert.equal(follow.io.stderr, "");
    } finally {
      await tearDown();
    }
  });

  it("a route on a link the stream does not describe: refused whole; with --agent-semantics it is written", async () => {
    const namespace = await setUp();
    try {
      const before = stateOf(namespace);
      const snapshot = envelope(0, "snapshot", { interfaces: [ETH0], routes: [{ dest: "10.7.0.0/16", device: "extra0" }] });
      const scoped = startFollow([server.url, "--netns", namespace]);
      (await server.nextClient()).send(snapshot);
      await until("the frame reported", () => scoped.io.stderr.includes("\n"));
      scoped.stop();
      assert.equal(await scoped.done, 0);
      assert.equal(
        scoped.io.stderr,
        `envelope 0 failed: routes[0].device "extra0": not one of the links the stream describes; only those are touched (--agent-semantics lifts this)\n`,
      );
      assert.deepEqual(stateOf(namespace), before);

      const agent = startFollow([server.url, "--netns", namespace, "--agent-semantics"]);
      (await server.nextClient()).send(snapshot);
      await until("the snapshot applied", () => agent.io.stdout.includes("snapshot 0:"));
      agent.stop();
      assert.equal(await agent.done, 0);
      assert.match(ip(["-n", namespace, "route"]), /10\.7\.0\.0\/16 dev extra0/);
      // The agent deletes the old routes of every link and table.
      assert.doesNotMatch(ip(["-n", namespace, "route", "show", "table", "100"]), /203\.0\.113\.0/);
    } finally {
      await tearDown();
    }
  });

  it("a frame over --max-frame-bytes ends the stream (exit 1); compression is never offered", async () => {
    const namespace = await setUp();
    try {
      const before = stateOf(namespace);
      const follow = startFollow([server.url, "--netns", namespace, "--max-frame-bytes", "1000"]);
      const client = await server.nextClient();
      assert.equal(server.requests[0].headers["sec-websocket-extensions"], undefined);
      const routes = Array.from({ length: 100 }, (_, i) => ({ dest: `10.${i}.0.0/16`, gateway: "10.0.0.1", device: "eth0" }));
      client.send(envelope(0, "snapshot", { interfaces: [ETH0], routes }));
      assert.equal(await follow.done, 1);
      assert.equal(follow.io.stderr, "katanet follow: the server sent a frame larger than 1000 bytes (--max-frame-bytes); stream closed\n");
      assert.deepEqual(stateOf(namespace), before);
    } finally {
      await tearDown();
    }
  });

  it("more routes in one frame than --max-per-message: refused whole", async () => {
    const namespace = await setUp();
    try {
      const before = stateOf(namespace);
      const follow = startFollow([server.url, "--netns", namespace, "--max-per-message", "10"]);
      const client = await server.nextClient();
      const routes = Array.from({ length: 11 }, (_, i) => ({ dest: `10.${i}.0.0/16`, gateway: "10.0.0.1", device: "eth0" }));
      client.send(envelope(0, "snapshot", { interfaces: [ETH0], routes }));
      await until("the frame reported", () => follow.io.stderr.includes("\n"));
      follow.stop();
      assert.equal(await follow.done, 0);
      assert.equal(follow.io.stderr, "envelope 0 failed: 11 routes, more than the 10 one frame may carry (--max-per-message)\n");
      assert.deepEqual(stateOf(namespace), before);
    } finally {
      await tearDown();
    }
  });

  it("seq 2^64-1 is printed exactly; a step back or a gap asks for a snapshot instead of being skipped silently", async () => {
    const namespace = await setUp();
    try {
      const follow = startFollow([server.url, "--netns", namespace]);
      const client = await server.nextClient();
      const max = 2n ** 64n - 1n;
      client.send(envelope(max, "snapshot", { interfaces: [ETH0], routes: [{ dest: "", gateway: "10.0.0.1", device: "eth0" }] }));
      let asked = nextRequest(client);
      client.send(envelope(0, "updateRoutes", { routes: [] }));
      assert.deepEqual(await asked, { snapshot: {} });
      client.send(envelope(5, "snapshot", { interfaces: [ETH0], routes: [{ dest: "", gateway: "10.0.0.1", device: "eth0" }] }));
      asked = nextRequest(client);
      client.send(envelope(7, "updateRoutes", { routes: [] }));
      assert.deepEqual(await asked, { snapshot: {} });
      await until("the gap reported", () => follow.io.stdout.includes("change 7"));
      follow.stop();
      assert.equal(await follow.done, 0);
      assert.match(follow.io.stdout, /^snapshot 18446744073709551615: \d+ writes applied, 0 skipped\n/);
      assert.match(follow.io.stdout, /\nchange 0 is not newer than 18446744073709551615; skipped, asking for a snapshot\n/);
      assert.match(follow.io.stdout, /\nchange 7 follows 5: change 6 is missing; skipped, asking for a snapshot\n$/);
      // Neither empty route update was applied: the default route is still there.
      assert.match(ip(["-n", namespace, "route"]), /default via 10\.0\.0\.1 dev eth0/);
    } finally {
      await tearDown();
    }
  });

  it("a server that falls silent is noticed (exit 1); with --reconnect, follow connects again and resyncs", async () => {
    const namespace = await setUp();
    const silent = await silentServer();
    try {
      const before = stateOf(namespace);
      const quiet = startFollow([silent.url, "--netns", namespace, "--heartbeat-ms", "100"]);
      assert.equal(await quiet.done, 1);
      assert.equal(quiet.io.stderr, "katanet follow: the server sent nothing (no frame, ping or pong) for 0.2 s\n");
      assert.deepEqual(stateOf(namespace), before);

      const follow = startFollow([server.url, "--netns", namespace, "--reconnect"]);
      (await server.nextClient()).terminate();
      const second = await server.nextClient();
      second.send(envelope(3, "snapshot", { interfaces: [{ ...ETH0, mtu: 1400 }], routes: [{ dest: "", gateway: "10.0.0.1", device: "eth0" }] }));
      await until("the snapshot applied", () => follow.io.stdout.includes("snapshot 3:"));
      follow.stop();
      assert.equal(await follow.done, 0);
      assert.match(follow.io.stderr, /^katanet follow: the stream ended \(1006\); reconnecting in 1 s\n$/);
      assert.match(ip(["-n", namespace, "link", "show", "eth0"]), /mtu 1400/);
    } finally {
      silent.close();
      await tearDown();
    }
  });

  it("the target namespace deleted under follow: exit 2, one line", async () => {
    const namespace = await setUp();
    try {
      const follow = startFollow([server.url, "--netns", namespace]);
      await server.nextClient();
      ip(["netns", "del", namespace]);
      assert.equal(await follow.done, 2);
      assert.equal(follow.io.stderr, `katanet follow: network namespace ${namespace} no longer exists (it was deleted)\n`);
    } finally {
      await tearDown();
    }
  });

  it("SIGINT while a route waits for a tentative source: the wait ends, the frame is rolled back, exit 0", async () => {
    const namespace = await setUp();
    try {
      // DAD that takes minutes: the address stays tentative for as long as the test needs.
      for (const setting of ["conf.eth0.accept_dad=1", "conf.eth0.dad_transmits=100", "neigh.eth0.retrans_time_ms=5000"]) {
        ip(["netns", "exec", namespace, "sysctl", "-q", "-w", `net.ipv6.${setting}`]);
      }
      // No link-local address: the kernel would make it again, tentative, when eth0 comes back up.
      ipBatch(namespace, ["link set eth0 addrgenmode none", "addr flush dev eth0 scope link"]);
      await settle(namespace);
      const before = stateOf(namespace);
      const follow = startFollow([server.url, "--netns", namespace]);
      const client = await server.nextClient();
      const iface = { ...ETH0, IPAddresses: [...ETH0.IPAddresses, { family: 1, address: "2001:db8::2", mask: "64" }] };
      client.send(envelope(0, "snapshot", { interfaces: [iface], routes: [{ dest: "2001:db8:9::/64", source: "2001:db8::2", device: "eth0", family: 1 }] }));
      await until("the source address tentative", () => /2001:db8::2\/64 scope global tentative/.test(ip(["-n", namespace, "addr", "show", "eth0"])));
      follow.stop();
      assert.equal(await follow.done, 0);
      assert.match(follow.io.stderr, /^envelope 0 failed: .*: stopped by a signal before this write\n/);
      assert.match(follow.io.stderr, /\n {2}the namespace is as it was before\n$/);
      assert.deepEqual(stateOf(namespace), before);
    } finally {
      await tearDown();
    }
  });
});


/** Completes the WebSocket handshake, then never sends nor answers anything. */
async function silentServer(): Promise<{ url: string; close(): void }> {
  const sockets: Socket[] = [];
  const server = createServer((socket) => {
    sockets.push(socket);
    socket.once("data", (data) => {
      const key = /sec-websocket-key: *(\S+)/i.exec(data.toString())?.[1] ?? "";
      const accept = createHash("sha1").update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest("base64");
      socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\nSec-WebSocket-Protocol: katanet.v1\r\n\r\n`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `ws://127.0.0.1:${port}`,
    close: () => {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}
