// update_routes deletes the old routes before adding the new set, as the agent does: every
// table, both families, except routes of protocol kernel, routes without an output link
// and routes whose output link's name contains "lo". A request with no routes deletes them
// all; no request leaves them alone, and pb64 input reads an empty route list as no request.

import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { apply } from "../../host/apply/apply.ts";
import { parsePb64Json } from "../../host/apply/input.ts";
import { assertCleanState, ip, ipBatch, namespaceTestsSkip } from "../support/netns.ts";
import { buildMirror, pb64Json, type Mirror } from "./support.ts";

const MAC = "02:00:00:00:ee:01";

/** B with eth0 and, besides, routes of every kind the agent's filter tells apart. */
function mirrorWithOldRoutes(): Mirror {
  const mirror = buildMirror([{ name: "eth0", hwAddr: MAC }]);
  try {
    ipBatch(mirror.namespace, [
      "link set lo up",
      "link add extra0 type veth peer name extra0p",
      "link add slot0 type veth peer name slot0p",
      ...["extra0", "extra0p", "slot0", "slot0p"].map((name) => `link set ${name} up`),
      "addr add 192.0.2.2/24 dev extra0",
      "route add 198.51.100.0/24 via 192.0.2.1 dev extra0",
      "route add 203.0.113.0/24 dev extra0 table 100",
      "route add 2001:db8:1::/64 dev extra0",
      "route add 198.18.0.0/15 dev extra0 proto kernel",
      "route add 198.51.100.128/25 dev slot0",
      "route add 192.0.2.128/25 dev lo",
      "route add blackhole 10.99.0.0/16",
    ]);
  } catch (error) {
    mirror.delete();
    throw error;
  }
  return mirror;
}

/** Both families, every table. */
const routesOf = (namespace: string) => ip(["-n", namespace, "route", "show", "table", "all"]);

const KEPT = [/^198\.18\.0\.0\/15 dev extra0 proto kernel/m, /^198\.51\.100\.128\/25 dev slot0/m, /^192\.0\.2\.128\/25 dev lo/m, /^blackhole 10\.99\.0\.0\/16/m];
const DELETED = [/198\.51\.100\.0\/24 via/, /203\.0\.113\.0\/24/, /2001:db8:1::\/64/];

describe("route updates", { skip: namespaceTestsSkip() }, () => {
  after(() => assertCleanState());

  it("delete the old routes the agent deletes, keep the ones it keeps, then add the new set", async () => {
    const mirror = mirrorWithOldRoutes();
    try {
      const requests = parsePb64Json(pb64Json({ routes: [{ dest: "10.10.0.0/16", device: "extra0", family: 0, scope: 253 }] }), "test");
      const report = await apply(requests, { netns: mirror.namespace });
      const routes = routesOf(mirror.namespace);
      for (const kept of KEPT) assert.match(routes, kept);
      for (const deleted of DELETED) assert.doesNotMatch(routes, deleted);
      assert.match(routes, /^10\.10\.0\.0\/16 dev extra0 scope link/m);
      assert.deepEqual(report.applied.slice().sort(), [
        "delete old route 198.51.100.0/24 via 192.0.2.1 dev extra0 table main",
        "delete old route 2001:db8:1::/64 dev extra0 table main",
        "delete old route 203.0.113.0/24 dev extra0 table 100",
        "routes[0] 10.10.0.0/16 dev extra0",
      ]);
    } finally {
      mirror.delete();
    }
  });

  it("an UpdateRoutes request with no routes deletes them; no request leaves them", async () => {
    const mirror = mirrorWithOldRoutes();
    try {
      await apply({ interfaces: [], routes: undefined, neighbours: [] }, { netns: mirror.namespace });
      for (const old of DELETED) assert.match(routesOf(mirror.namespace), old);
      await apply({ interfaces: [], routes: [], neighbours: [] }, { netns: mirror.namespace });
      for (const deleted of DELETED) assert.doesNotMatch(routesOf(mirror.namespace), deleted);
    } finally {
      mirror.delete();
    }
  });

  it("pb64 input: an empty route list is no UpdateRoutes request, as Kata sends none for no routes", async () => {
    assert.equal(parsePb64Json(pb64Json({ routes: [] }), "test").routes, undefined);
    assert.equal(parsePb64Json('{"updateRoutesRequest": "CgA="}', "test").routes, undefined);
    assert.equal(parsePb64Json(pb64Json({ routes: [{ dest: "10.9.0.0/24", device: "eth0" }] }), "test").routes?.length, 1);
  });
});
