// Tests the fixture replay helper (test/support/netns.ts): a namespace built from a live
// fixture's setupOrder dumps to what the fixture recorded, in everything the fixtures
// README does not list as kernel-variable.

import assert from "node:assert/strict";
import { after, afterEach, describe, it } from "node:test";
import { netlinkAttributes, netlinkMessages, type NetlinkMessage } from "../../host/netlink/messages.ts";
import { assertInOriginalNamespace } from "../../host/netlink/netns.ts";
import {
  assertCleanState,
  buildFixtureNamespaces,
  dumpNamespaceBytes,
  leftoverNamespaces,
  namespaceTestsSkip,
  waitForSettledNamespace,
} from "../support/netns.ts";
import { findLiveFixture } from "../support/fixtures.ts";
import type { LiveFixture } from "../support/fixtures.ts";

/** A small fixture whose Go scan sent permanent neighbours. */
const withPermanentNeighbours = (): LiveFixture =>
  findLiveFixture("with permanent neighbours", (f) => !f.file.endsWith(".gz") && (f.expected.seed?.neighbors.length ?? 0) > 0) as unknown as LiveFixture;

const RTM_NEWLINK = 16;
const RTM_NEWADDR = 20;
const RTM_NEWROUTE = 24;
const RTM_NEWNEIGH = 28;
const IFLA_IFNAME = 3;
const IFA_ADDRESS = 1;
const RTA_DST = 1;
const NDA_DST = 1;
const MLD_REPORT_GROUP = "ff020000000000000000000000000016";

const hex = (bytes: Uint8Array | undefined) => (bytes ? [...bytes].map((byte) => byte.toString(16).padStart(2, "0")).join("") : "-");

function attribute(message: NetlinkMessage, headerSize: number, type: number): Uint8Array | undefined {
  return [...netlinkAttributes(message.payload, headerSize)].find((found) => found.type === type)?.payload;
}

/** What Kata reads from a dump, minus what the fixtures README says varies between machines. */
function comparableSummary(messages: NetlinkMessage[]): Record<string, string[]> {
  const ofType = (type: number) => messages.filter((message) => message.type === type);
  const linkName = (link: NetlinkMessage) => new TextDecoder().decode(attribute(link, 16, IFLA_IFNAME)?.subarray(0, -1));
  return {
    links: ofType(RTM_NEWLINK).map(linkName).sort(),
    addresses: ofType(RTM_NEWADDR)
      .map((address) => `${address.payload[0]}/${address.payload[1]} ${hex(attribute(address, 8, IFA_ADDRESS))}`)
      .sort(),
    routes: ofType(RTM_NEWROUTE)
      .map(({ payload }, index, all) => `${payload[0]} ${payload[1]} table ${payload[4]} type ${payload[7]} ${hex(attribute(all[index], 12, RTA_DST))}`)
      .sort(),
    neighbours: ofType(RTM_NEWNEIGH)
      .map((neighbour) => ({ neighbour, destination: hex(attribute(neighbour, 12, NDA_DST)) }))
      .filter(({ destination }) => destination !== MLD_REPORT_GROUP)
      .map(({ neighbour, destination }) => `${neighbour.payload[0]} state ${neighbour.payload[8]} ${destination}`)
      .sort(),
  };
}

function recordedMessages(fixture: LiveFixture): NetlinkMessage[] {
  const streams = [fixture.netlink.links, fixture.netlink.addrs, fixture.netlink.routes, fixture.netlink.neighs];
  const bytes = streams.flat().map((message) => Uint8Array.from(message.match(/../g) ?? [], (pair) => parseInt(pair, 16)));
  return bytes.flatMap((message) => [...netlinkMessages(message)]);
}

describe("building a namespace from a live fixture", { skip: namespaceTestsSkip() }, () => {
  afterEach(() => assertInOriginalNamespace());
  after(() => assertCleanState());

  it("replays a fixture with permanent neighbours so that it dumps what the fixture recorded", async () => {
    const fixture = withPermanentNeighbours();
    const built = buildFixtureNamespaces(fixture);
    try {
      await waitForSettledNamespace(built.namespace);
      const live = [...netlinkMessages(dumpNamespaceBytes(built.namespace))];
      assert.deepEqual(comparableSummary(live), comparableSummary(recordedMessages(fixture)));
    } finally {
      built.delete();
    }
    assert.deepEqual(leftoverNamespaces(), []);
  });

  it("deletes both namespaces and names the fixture when its setup fails", () => {
    const fixture = withPermanentNeighbours();
    const broken: LiveFixture = { ...fixture, setup: ["link set no-such-link up"] };
    assert.throws(() => buildFixtureNamespaces(broken), new RegExp(`building fixture ${fixture.name} failed: .*no-such-link`));
    assert.deepEqual(leftoverNamespaces(), []);
  });
});
