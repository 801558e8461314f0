// classify.json: Kata's endpoint classification, index and "already added" rules for
// synthetic links (kinds this kernel cannot create included), run through the Wasm scan
// rules from RTM_NEWLINK/RTM_NEWADDR messages built here.
import { test } from "node:test";
import assert from "node:assert/strict";
import { KatanetCore } from "../../host/core.ts";
import { KataError } from "../../host/core-errors.ts";
import { type Conversion } from "../../host/core-types.ts";
import { NetlinkBuilder } from "../../host/netlink/builder.ts";
import { readFixture } from "../support/fixtures.ts";

interface Step {
  link: { name: string; linkType: string; tuntapMode: number | null; hwAddr: string };
  alreadyAdded: boolean;
  error: string | null;
  endpoint: { name: string; type: string; hwAddr: string } | null;
  netPair: { bridgeName: string; tapName: string; virtName: string } | null;
}

const { sequences } = readFixture("classify.json") as { sequences: { name: string; steps: Step[] }[] };
const core = new KatanetCore();

const RTM_NEWLINK = 16;
const RTM_NEWADDR = 20;
const IFLA_ADDRESS = 1;
const IFLA_IFNAME = 3;
const IFLA_LINKINFO = 18;
const IFLA_INFO_KIND = 1;
const IFLA_INFO_DATA = 2;
const IFLA_TUN_TYPE = 3;
const IFLA_GRE_LOCAL = 6;
const IFLA_VTI_LOCAL = 4;

// Go names these kinds by their local address family, so the message must carry one.
const localAddressAttribute: Record<string, number> = { gre: IFLA_GRE_LOCAL, gretap: IFLA_GRE_LOCAL, vti: IFLA_VTI_LOCAL };
const IFA_ADDRESS = 1;
const IFF_UP = 1;

/** One link as the kernel would describe it (nests unflagged, as the kernel sends these),
 * plus one IPv4 address so Kata considers it. */
function linkMessages(builder: NetlinkBuilder, step: Step, index: number): void {
  const header = new Uint8Array(16);
  const view = new DataView(header.buffer);
  view.setInt32(4, index, true);
  view.setUint32(8, IFF_UP, true);
  builder.beginMessage(RTM_NEWLINK, 0).header(header).attrCString(IFLA_IFNAME, step.link.name);
  if (step.link.hwAddr) builder.attr(IFLA_ADDRESS, Uint8Array.from(step.link.hwAddr.split(":"), (b) => parseInt(b, 16)));
  if (step.link.linkType !== "device") {
    // Go's Type() for a tuntap link comes from the kernel kind "tun"
    const kind = step.link.linkType === "tuntap" ? "tun" : step.link.linkType;
    builder.beginNest(IFLA_LINKINFO, false).attrCString(IFLA_INFO_KIND, kind);
    if (step.link.tuntapMode !== null) builder.beginNest(IFLA_INFO_DATA, false).attrU8(IFLA_TUN_TYPE, step.link.tuntapMode).endNest();
    const local = localAddressAttribute[kind];
    if (local !== undefined) builder.beginNest(IFLA_INFO_DATA, false).attr(local, Uint8Array.of(192, 0, 2, 1)).endNest();
    builder.endNest();
  }
  builder.endMessage();
  const addrHeader = Uint8Array.of(2, 24, 0, 0, 0, 0, 0, 0);
  new DataView(addrHeader.buffer).setInt32(4, index, true);
  builder.beginMessage(RTM_NEWADDR, 0).header(addrHeader).attr(IFA_ADDRESS, Uint8Array.of(10, 0, index, 1)).endMessage();
}

function scan(steps: Step[]): Conversion {
  const builder = new NetlinkBuilder();
  steps.forEach((step, i) => linkMessages(builder, step, i + 1));
  return core.convertBytes(builder.finish());
}

for (const sequence of sequences) {
  test(`classify.json ${sequence.name}`, () => {
    const failing = sequence.steps.findIndex((step) => step.error !== null);
    const accepted = failing < 0 ? sequence.steps : sequence.steps.slice(0, failing);
    const conversion = scan(accepted);
    for (const step of accepted) {
      if (step.alreadyAdded) {
        assert.ok(conversion.skipped.some((s) => s.name === step.link.name && s.reason === "already-added"), step.link.name);
        continue;
      }
      const endpoint = conversion.endpoints.find((e) => e.name === step.link.name);
      assert.deepEqual(endpoint && { name: endpoint.name, type: endpoint.type, hwAddr: endpoint.hwAddr }, step.endpoint);
      const pair = endpoint?.pairIndex === null || endpoint === undefined ? null : core.pairNames(endpoint.pairIndex);
      assert.deepEqual(pair && { bridgeName: pair.bridge, tapName: pair.tap, virtName: step.link.name }, step.netPair);
    }
    if (failing >= 0) {
      const step = sequence.steps[failing];
      assert.throws(
        () => scan(sequence.steps.slice(0, failing + 1)),
        (error: unknown) => error instanceof KataError && error.message === step.error && error.interfaceName === step.link.name,
      );
    }
  });
}
