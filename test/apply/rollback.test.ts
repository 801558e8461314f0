// A failed apply leaves the pod's network as it was (issue 17, item 4): a namespace with
// an address, a default route, routes in another table and a neighbour gets a message
// whose route the kernel refuses part-way — after the link was taken down, its addresses
// and the old routes deleted — and everything comes back. A stop asked for by a signal
// is rolled back the same way; --agent-semantics leaves the namespace as the agent would.

import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { apply } from "../../host/apply/apply.ts";
import { parsePb64Json } from "../../host/apply/input.ts";
import { ApplyError } from "../../host/apply/steps.ts";
import { assertCleanState, ip, ipBatch, namespaceTestsSkip } from "../support/netns.ts";
import { buildMirror, pb64Json, settle, stateOf, type Mirror } from "./support.ts";

const MAC = "02:00:00:00:ab:01";

function podLikeMirror(): Mirror {
  const mirror = buildMirror([{ name: "eth0", hwAddr: MAC }]);
  try {
    ipBatch(mirror.namespace, [
      "link set lo up",
      "link set eth0 mtu 1450 up",
      "addr add 10.0.0.2/24 dev eth0",
      "addr add 2001:db8::2/64 dev eth0 nodad",
      "route add default via 10.0.0.1",
      "route add 10.8.0.0/16 via 10.0.0.1 mtu 1400",
      "route add 203.0.113.0/24 dev eth0 table 100",
      "neigh add 10.0.0.7 lladdr 02:00:00:00:00:07 dev eth0 nud permanent",
    ]);
  } catch (error) {
    mirror.delete();
    throw error;
  }
  return mirror;
}

const FAILING = parsePb64Json(
  pb64Json({
    interfaces: [{ name: "eth0", hwAddr: MAC, mtu: 1500, IPAddresses: [{ family: 0, address: "10.1.0.2", mask: "24" }] }],
    routes: [{ dest: "10.9.0.0/24", gateway: "192.168.77.1", device: "eth0" }],
  }),
  "test",
);

describe("rollback of a failed apply", { skip: namespaceTestsSkip() }, () => {
  after(() => assertCleanState());

  it("a route the kernel refuses: every write undone, the deleted addresses and routes restored", async () => {
    const mirror = podLikeMirror();
    try {
      await settle(mirror.namespace);
      const before = stateOf(mirror.namespace);
      const error = await apply(FAILING, { netns: mirror.namespace }).then(() => assert.fail("applied"), (error: unknown) => error);
      assert.ok(error instanceof ApplyError);
      assert.match(error.message, /ENETUNREACH/);
      // Taking eth0 down made the kernel drop its routes, every table's: restored all the same.
      assert.ok(error.applied.includes("interfaces[0] eth0 (02:00:00:00:ab:01): set eth0 down"), error.applied.join("\n"));
      for (const route of [/restore route default via 10\.0\.0\.1 /, /restore route 203\.0\.113\.0\/24 on link \d+ table 100/, /restore address 10\.0\.0\.2\/24/]) {
        assert.ok(error.undone!.some((step) => route.test(step)), error.undone!.join("\n"));
      }
      assert.deepEqual(error.undoFailed, []);
      assert.deepEqual(stateOf(mirror.namespace), before);
    } finally {
      mirror.delete();
    }
  });

  it("a stop asked for before the next write: nothing left changed", async () => {
    const mirror = podLikeMirror();
    try {
      await settle(mirror.namespace);
      const before = stateOf(mirror.namespace);
      const stop = new AbortController();
      stop.abort();
      const requests = { ...FAILING, routes: [] };
      const error = await apply(requests, { netns: mirror.namespace }, { signal: stop.signal }).then(() => assert.fail("applied"), (error: unknown) => error);
      assert.ok(error instanceof ApplyError);
      assert.match(error.message, /stopped by a signal before this write/);
      assert.deepEqual(stateOf(mirror.namespace), before);
    } finally {
      mirror.delete();
    }
  });

  it("--agent-semantics: stops at the refused write and leaves the namespace so", async () => {
    const mirror = podLikeMirror();
    try {
      const error = await apply(FAILING, { netns: mirror.namespace, agentSemantics: true }).then(() => assert.fail("applied"), (error: unknown) => error);
      assert.ok(error instanceof ApplyError);
      assert.equal(error.undone, undefined);
      assert.doesNotMatch(ip(["-n", mirror.namespace, "route"]), /default/);
      assert.doesNotMatch(ip(["-n", mirror.namespace, "route", "show", "table", "100"]), /203\.0\.113/);
    } finally {
      mirror.delete();
    }
  });
});
