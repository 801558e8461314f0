// generateVCNetworkStructures on the hand-built inputs of structs.json: the Go edge cases
// a kernel cannot produce (odd IP lengths, nil and non-canonical masks, wrapping integer
// conversions), which exercise the reference's Go text and integer semantics.

import assert from "node:assert/strict";
import { test } from "node:test";
import { toPb64 } from "../../host/format/pb64.ts";
import { generateVCNetworkStructures } from "./convert.ts";
import { encodeAgentMessages } from "./encode.ts";
import { type ExpectedPb, readFixture } from "../support/fixtures.ts";
import type { Endpoint, IP, IPNet, NeighborRule } from "./model.ts";
import { normalisePciPath } from "./pci-path.ts";

interface IPSpec {
  hex: string;
}

interface IPNetSpec {
  ip: IPSpec | null;
  mask: { hex: string } | null;
}

interface EndpointSpec {
  name: string;
  type: string;
  hwAddr: string;
  pciPath: string;
  iface: { name: string; index: number; mtu: number; rawFlags: number; linkType: string; hardwareAddrHex: string | null };
  addrs: { ipnet: IPNetSpec }[];
  routes: {
    dst: IPNetSpec | null;
    gw: IPSpec | null;
    src: IPSpec | null;
    scope: number;
    family: number;
    flags: number;
    mtu: number;
    protocol: number;
    linkIndex: number;
  }[];
  neighbors: { ip: IPSpec | null; hardwareAddrHex: string | null; state: number; flags: number; linkIndex: number }[];
}

interface StructsCase {
  name: string;
  endpoints: EndpointSpec[];
  expected: Record<NeighborRule, { pb: ExpectedPb }>;
}

const bytes = (hex: string | null): Uint8Array | null =>
  hex === null ? null : Uint8Array.from(hex.match(/../g) ?? [], (pair) => parseInt(pair, 16));
const ip = (spec: IPSpec | null): IP => (spec === null ? null : bytes(spec.hex));
const ipNet = (spec: IPNetSpec): IPNet => ({ ip: ip(spec.ip), mask: spec.mask === null ? null : bytes(spec.mask.hex) });

function endpointOf(spec: EndpointSpec): Endpoint {
  return {
    name: spec.name,
    type: spec.type,
    hardwareAddr: spec.hwAddr,
    devicePath: normalisePciPath(spec.pciPath),
    properties: {
      link: {
        index: spec.iface.index,
        name: spec.iface.name,
        mtu: spec.iface.mtu,
        rawFlags: spec.iface.rawFlags,
        hardwareAddr: bytes(spec.iface.hardwareAddrHex),
        type: spec.iface.linkType,
        tuntapMode: 0,
      },
      addrs: spec.addrs.map((addr) => ({ linkIndex: spec.iface.index, ipNet: ipNet(addr.ipnet) })),
      routes: spec.routes.map((route) => ({
        linkIndex: route.linkIndex,
        dst: route.dst === null ? null : ipNet(route.dst),
        gw: ip(route.gw),
        src: ip(route.src),
        scope: route.scope,
        family: route.family,
        flags: route.flags,
        protocol: route.protocol,
        mtu: route.mtu,
      })),
      neighbors: spec.neighbors.map((neigh) => ({
        linkIndex: neigh.linkIndex,
        ip: ip(neigh.ip),
        hardwareAddr: bytes(neigh.hardwareAddrHex),
        state: neigh.state,
        flags: neigh.flags,
      })),
    },
  };
}

const { cases } = readFixture("structs.json") as { cases: StructsCase[] };

for (const structsCase of cases) {
  test(`reference structures match Go: structs.json ${structsCase.name}`, () => {
    const endpoints = structsCase.endpoints.map(endpointOf);
    for (const rule of ["seed", "preseedGateway"] as const) {
      const pb = encodeAgentMessages(generateVCNetworkStructures(endpoints, rule));
      assert.deepEqual(toPb64(pb), structsCase.expected[rule].pb, `${rule} protobuf bytes`);
    }
  });
}
