// scan A → apply to B → scan B, for every live fixture Kata converts without an error:
// B starts with NICs carrying A's endpoint names and MACs, the first one up with a stale
// address and a stale route, and must end up giving the same interfaces (addresses, MTU,
// NOARP), routes and neighbours — the stale ones gone, as the agent deletes them.

import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { apply } from "../../host/apply/apply.ts";
import { assertCleanState, buildFixtureNamespaces, ip, ipBatch, namespaceTestsSkip, waitForSettledNamespace } from "../support/netns.ts";
import { liveFixtures } from "../support/fixtures.ts";
import { buildMirror, comparable, extraLinkLocal, requestsOf, seedMessages } from "./support.ts";

/**
 * Kata drops route metrics and the agent writes every route with NLM_F_REPLACE, so routes
 * that differed only by metric collapse into the last one written: that is what a Kata
 * guest ends up with.
 */
function afterReplace(routes: string[]): string[] {
  const byDestination = new Map<string, string>();
  for (const route of routes) {
    const { dest, family, device } = JSON.parse(route) as { dest: string; family: string; device: string };
    byDestination.set(`${family} ${dest} ${device}`, route);
  }
  return [...byDestination.values()].sort();
}

/**
 * Kata sends an IPv4-mapped IPv6 address as IPv4 text with its IPv6 mask (e.g. 96), which
 * the agent cannot build an IPv4 network from: it rejects the whole UpdateInterface.
 */
function hasMappedAddress(requests: ReturnType<typeof requestsOf>): boolean {
  return requests.interfaces.some((iface) => iface.IPAddresses.some((address) => address.family === 0 && Number(address.mask) > 32));
}

/** What a reused guest NIC may still carry from before, in ranges no fixture uses. */
function addStaleConfiguration(namespace: string, device: string): void {
  ipBatch(namespace, [`link set ${device} up`, `addr add 198.51.100.7/24 dev ${device}`, `route add 203.0.113.0/24 via 198.51.100.1 dev ${device}`]);
}
const STALE = /198\.51\.100\.|203\.0\.113\./;

/** The default routes' MTUs as `ip route` should show them in B. */
function defaultRouteMtus(messages: ReturnType<typeof seedMessages>): number[] {
  const routes = comparable(messages).routes.map((route) => JSON.parse(route) as { dest: string; mtu: number; family: string });
  return routes.filter((route) => route.dest === "" && route.family === "v4" && route.mtu > 0).map((route) => route.mtu);
}

describe("scan → apply → scan round trip", { skip: namespaceTestsSkip() }, () => {
  after(() => assertCleanState());

  for (const fixture of liveFixtures().filter((f) => f.expected.error === null)) {
    it(fixture.file, async () => {
      const a = buildFixtureNamespaces(fixture);
      let mirror: ReturnType<typeof buildMirror> | undefined;
      try {
        await waitForSettledNamespace(a.namespace);
        // One scan of A: a second one could see the kernel add a link-local address meanwhile.
        const fromA = seedMessages(a.namespace);
        const requests = requestsOf(fromA);
        mirror = buildMirror(requests.interfaces);
        if (hasMappedAddress(requests)) {
          await assert.rejects(apply(requests, { netns: mirror!.namespace }), { name: "ApplyInputError", message: /prefix length out of range for an IPv4 address/ });
          return;
        }
        const firstDevice = requests.interfaces[0]?.name;
        if (firstDevice) addStaleConfiguration(mirror.namespace, firstDevice);
        await apply(requests, { netns: mirror.namespace });
        assert.doesNotMatch(ip(["-n", mirror.namespace, "addr"]), STALE);
        assert.doesNotMatch(ip(["-n", mirror.namespace, "route", "show", "table", "all"]), STALE);
        const fromB = seedMessages(mirror.namespace);
        const expected = comparable(fromA);
        expected.routes = afterReplace(expected.routes);
        assert.deepEqual(comparable(fromB, extraLinkLocal(fromA, fromB)), expected);
        for (const mtu of defaultRouteMtus(fromA)) {
          assert.match(ip(["-n", mirror.namespace, "-4", "route", "show", "default"]), new RegExp(`mtu ${mtu}\\b`));
        }
      } finally {
        mirror?.delete();
        a.delete();
      }
    });
  }
});
