import assert from "node:assert/strict";
import { after, afterEach, before, describe, it } from "node:test";
import { assertInOriginalNamespace } from "../../host/netlink/netns.ts";
import { watch, type Watch } from "../../host/watch/watch.ts";
import { assertCleanState, createNamespace, deleteNamespaces, ipBatch, namespaceTestsSkip } from "../support/netns.ts";
import { envelopeReader, kindOf, waitFor } from "./envelopes.ts";
import { routeBurst, SETUP, toSnapshot } from "./scenario.ts";

const skip = namespaceTestsSkip();

describe("watch", { skip }, () => {
  let namespace: string;
  let stream: Watch;
  const next = envelopeReader(() => stream);

  before(async () => {
    namespace = createNamespace();
    ipBatch(namespace, SETUP);
    stream = watch({ netns: namespace });
    const first = await next();
    assert.equal(kindOf(first), "snapshot");
    assert.equal(first.seq, "0");
  });

  after(() => {
    stream?.stop();
    deleteNamespaces(namespace);
    assertCleanState();
  });

  // The watch opened its socket inside the namespace; the thread must be back home.
  afterEach(() => assertInOriginalNamespace());

  it("sends the interface again when an address is added, and again when it is removed", async () => {
    ipBatch(namespace, ["addr add 10.1.1.1/24 dev eth0"]);
    const added = await waitFor(next, "eth0 update with 10.1.1.1", (envelope) =>
      "updateInterface" in envelope ? (envelope.updateInterface.interface ?? undefined) : undefined,
    );
    assert.equal(added.name, "eth0");
    assert.deepEqual(added.IPAddresses.map((address) => `${address.address}/${address.mask}`), ["10.1.0.1/24", "10.1.1.1/24"]);

    ipBatch(namespace, ["addr del 10.1.1.1/24 dev eth0"]);
    const removed = await waitFor(next, "eth0 update without 10.1.1.1", (envelope) =>
      "updateInterface" in envelope ? (envelope.updateInterface.interface ?? undefined) : undefined,
    );
    assert.deepEqual(removed.IPAddresses.map((address) => address.address), ["10.1.0.1"]);
  });

  it("sends the whole route set when a default route with mtu 1400 appears", async () => {
    ipBatch(namespace, ["route add default via 10.1.0.254 dev eth0 mtu 1400"]);
    // Earlier address changes also resent the route set (without the default route), so
    // the route update wanted is the first one that has it.
    const defaultRoute = await waitFor(next, "route update with a default route", (envelope) =>
      "updateRoutes" in envelope ? envelope.updateRoutes.routes?.Routes.find((route) => route.dest === "") : undefined,
    );
    assert.equal(defaultRoute.gateway, "10.1.0.254");
    assert.equal(defaultRoute.mtu, 1400);
  });

  it("sends only the new neighbour when a permanent one is added", async () => {
    ipBatch(namespace, ["neigh add 10.1.0.7 lladdr 02:00:00:00:00:07 dev eth0 nud permanent"]);
    const first = await waitFor(next, "first neighbour", (envelope) => ("addNeighbors" in envelope ? envelope.addNeighbors.neighbors?.ARPNeighbors : undefined));
    assert.deepEqual(first.map((neighbour) => [neighbour.toIPAddress?.address, neighbour.lladdr]), [["10.1.0.7", "02:00:00:00:00:07"]]);

    ipBatch(namespace, ["neigh add 10.1.0.8 lladdr 02:00:00:00:00:08 dev eth0 nud permanent"]);
    const second = await waitFor(next, "second neighbour", (envelope) => ("addNeighbors" in envelope ? envelope.addNeighbors.neighbors?.ARPNeighbors : undefined));
    assert.deepEqual(second.map((neighbour) => neighbour.toIPAddress?.address), ["10.1.0.8"]);
  });

  it("announces a whole new link, then its removal", async () => {
    ipBatch(namespace, [
      "link add eth1 address 02:00:00:00:02:01 type veth peer name peer1 address 02:00:00:00:02:02",
      "link set eth1 addrgenmode none",
      "link set peer1 addrgenmode none",
      "addr add 10.2.0.1/24 dev eth1",
      "link set eth1 up",
      "link set peer1 up",
    ]);
    const added = await waitFor(next, "eth1 update", (envelope) =>
      "updateInterface" in envelope && envelope.updateInterface.interface?.name === "eth1" ? envelope.updateInterface.interface : undefined,
    );
    assert.equal(added.hwAddr, "02:00:00:00:02:01");

    ipBatch(namespace, ["link del eth1"]);
    const removed = await waitFor(next, "eth1 removal", (envelope) =>
      "interfaceRemoved" in envelope && envelope.interfaceRemoved.name === "eth1" ? envelope.interfaceRemoved : undefined,
    );
    assert.equal(removed.hwAddr, "02:00:00:00:02:01");
  });

  it("sends nothing for a change Kata does not convert", async () => {
    // An alias is a link attribute Kata ignores: the notification comes, the rescan finds
    // nothing new. The next envelope must be the real change that follows.
    ipBatch(namespace, ["link set eth0 alias ignored-by-kata"]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    ipBatch(namespace, ["addr add 10.1.2.1/24 dev eth0"]);
    const envelope = await next();
    assert.equal(kindOf(envelope), "updateInterface", JSON.stringify(envelope));
  });
});

describe("watch after a receive-buffer overflow", { skip }, () => {
  let namespace: string;
  after(() => {
    deleteNamespaces(namespace);
    assertCleanState();
  });

  it("resyncs to exactly what a fresh scan gives after a 20,000-route burst", async () => {
    namespace = createNamespace();
    ipBatch(namespace, SETUP);
    const stream = watch({ netns: namespace, receiveBufferBytes: 4096 });
    const next = envelopeReader(() => stream);
    try {
      await next();
      // ip runs synchronously here, so the event loop cannot read while the burst lands.
      ipBatch(namespace, routeBurst());
      const resync = await waitFor(next, "resync", (envelope) => ("resync" in envelope ? envelope.resync : undefined));
      // Later envelopes (if any) can only follow changes the resync's scan did not see.
      assert.deepEqual(resync, toSnapshot(namespace));
    } finally {
      stream.stop();
    }
  });
});
