// A follower re-applies the routes and neighbours the stream established along with an
// interface update, since the agent's update takes the link down and the kernel drops them,
// and the stream sends only what changed.
import { test } from "node:test";
import assert from "node:assert/strict";
import { EstablishedState } from "../../host/apply/established.ts";
import type { ARPNeighbor, Interface, Route } from "../../host/schema.ts";

const route = (dest: string) => ({ dest, device: "eth0" }) as unknown as Route;
const neighbour = (address: string) => ({ toIPAddress: { address }, device: "eth0" }) as unknown as ARPNeighbor;
const eth0 = { name: "eth0", mtu: 1400 } as unknown as Interface;

test("an interface update carries the established routes and neighbours; other changes go as they are", () => {
  const state = new EstablishedState();
  const snapshot = { seq: 0n, kind: "snapshot" as const, requests: { interfaces: [], routes: [route("")], neighbours: [neighbour("10.0.0.2")] } };
  assert.deepEqual(state.requestsFor(snapshot), snapshot.requests);
  state.record(snapshot);

  const newRoutes = { seq: 1n, kind: "change" as const, requests: { interfaces: [], routes: [route(""), route("10.9.0.0/16")], neighbours: [] } };
  assert.deepEqual(state.requestsFor(newRoutes), newRoutes.requests);
  state.record(newRoutes);
  const newNeighbour = { seq: 2n, kind: "change" as const, requests: { interfaces: [], routes: undefined, neighbours: [neighbour("10.0.0.3")] } };
  state.record(newNeighbour);

  const mtu = { seq: 3n, kind: "change" as const, requests: { interfaces: [eth0], routes: undefined, neighbours: [] } };
  assert.deepEqual(state.requestsFor(mtu), {
    interfaces: [eth0],
    routes: [route(""), route("10.9.0.0/16")],
    neighbours: [neighbour("10.0.0.2"), neighbour("10.0.0.3")],
  });

  const resync = { seq: 4n, kind: "resync" as const, requests: { interfaces: [], routes: [], neighbours: [] } };
  state.record(resync);
  assert.deepEqual(state.requestsFor(mtu), { interfaces: [eth0], routes: [], neighbours: [] }, "a resync replaces what was established");
});
