// watch sends only what changed (an MTU change is one interface update, not the routes
// and neighbours again), and never drops a rejected link in silence: every envelope names
// the links left out and why.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { watch, type Watch } from "../../host/watch/watch.ts";
import { assertCleanState, createNamespace, deleteNamespaces, ipBatch, namespaceTestsSkip } from "../support/netns.ts";
import { envelopeReader, kindOf, waitFor } from "./envelopes.ts";
import { SETUP } from "./scenario.ts";

describe("watch sends only what changed", { skip: namespaceTestsSkip() }, () => {
  let namespace: string;
  let stream: Watch;
  const next = envelopeReader(() => stream);

  before(async () => {
    namespace = createNamespace();
    ipBatch(namespace, [
      ...SETUP,
      "route add default via 10.1.0.254 dev eth0",
      "route add 10.9.0.0/16 via 10.1.0.254 dev eth0",
      ...[2, 3, 4].map((host) => `neigh add 10.1.0.${host} lladdr 02:00:00:00:00:0${host} dev eth0 nud permanent`),
      "link add br0 type bridge",
      "addr add 10.2.0.1/24 dev br0",
    ]);
    stream = watch({ netns: namespace });
    const snapshot = await next();
    assert.equal(kindOf(snapshot), "snapshot");
    assert.deepEqual(snapshot.skipped.find((link) => link.name === "br0"), { name: "br0", reason: "Unsupported network interface: bridge" });
  });

  after(() => {
    stream?.stop();
    deleteNamespaces(namespace);
    assertCleanState();
  });

  it("an MTU change on one link sends only the interface update, which names the rejected bridge", async () => {
    ipBatch(namespace, ["link set eth0 mtu 1400"]);
    const update = await next();
    assert.equal(kindOf(update), "updateInterface", JSON.stringify(update));
    assert.ok("updateInterface" in update && Number(update.updateInterface.interface?.mtu) === 1400);
    assert.deepEqual(update.skipped.find((link) => link.name === "br0")?.reason, "Unsupported network interface: bridge");
    // A marker change: the very next envelope must be its own, so no routes or
    // neighbours were re-sent for the MTU change in between.
    ipBatch(namespace, ["neigh add 10.1.0.9 lladdr 02:00:00:00:00:09 dev eth0 nud permanent"]);
    const marker = await next();
    assert.equal(kindOf(marker), "addNeighbors", JSON.stringify(marker));
    assert.ok("addNeighbors" in marker);
    assert.deepEqual(marker.addNeighbors.neighbors?.ARPNeighbors.map((neighbour) => neighbour.toIPAddress?.address), ["10.1.0.9"]);
  });

  it("a change to the left-out links alone is said in an envelope of its own, with nothing to apply", async () => {
    ipBatch(namespace, ["link add br1 type bridge", "addr add 10.3.0.1/24 dev br1"]);
    // The bridge appears (left out: no address), then gets its address (left out: a bridge);
    // each step changes only what is left out, so each envelope says only that.
    const rejected = { name: "br1", reason: "Unsupported network interface: bridge" };
    await waitFor(next, "br1 left out as a bridge", (envelope) => {
      assert.equal(kindOf(envelope), "leftOut", JSON.stringify(envelope));
      return envelope.skipped.some((link) => link.name === rejected.name && link.reason === rejected.reason) || undefined;
    });
  });

  it("a route change sends the route set once, and a route set that converts the same sends nothing", async () => {
    ipBatch(namespace, ["route add 10.10.0.0/16 via 10.1.0.254 dev eth0"]);
    const routes = await waitFor(next, "route update", (envelope) => ("updateRoutes" in envelope ? envelope.updateRoutes.routes?.Routes : undefined));
    assert.ok(routes.some((route) => route.dest === "10.10.0.0/16"));
    // A route in another table is not converted: no envelope. The marker comes next.
    ipBatch(namespace, ["route add 10.11.0.0/16 via 10.1.0.254 dev eth0 table 100", "link set eth0 mtu 1300"]);
    const marker = await next();
    assert.equal(kindOf(marker), "updateInterface", JSON.stringify(marker));
  });
});
