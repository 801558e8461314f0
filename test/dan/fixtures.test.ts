// Every Go DAN fixture: the endpoints Kata built from the file (or its exact error, the
// device it failed on, and the endpoints it had appended before failing). The protobuf
// bytes are checked where the specs meet the Wasm core.

import assert from "node:assert/strict";
import { test } from "node:test";
import { danToEndpointSpecs } from "../../host/dan/convert.ts";
import type { EndpointSpec } from "../../host/dan/endpoint-spec.ts";
import { DanError } from "../../host/dan/errors.ts";
import { danFixtureFiles, indexedFixtureFiles, loadDanFixture } from "./fixture-files.ts";
import { goIPNetString, goIPString, goMACString } from "./go-text.ts";

// deno-lint-ignore no-explicit-any
type FixtureEndpoint = any;

/** The spec in the fixture's vocabulary (Go String() forms where the fixture records text). */
function asFixtureSees(spec: EndpointSpec, pciPaths: Record<string, string>) {
  const ipText = (ip: { hex: string } | null) => (ip === null ? null : goIPString(ip.hex));
  return {
    name: spec.name,
    type: spec.type,
    hwAddr: spec.hwAddr,
    hostBDF: spec.hostBDF,
    pciPath: spec.pciPath,
    mtu: spec.iface.mtu,
    flags: spec.iface.flags,
    rawFlags: spec.iface.rawFlags,
    guestMacHex: spec.iface.hardwareAddrHex,
    addrs: spec.addrs.map((a) => ({ ipHex: a.ipnet!.ip!.hex, maskHex: a.ipnet!.mask!.hex, label: a.label })),
    routes: spec.routes.map((r) => ({
      dst: r.dst === null ? null : goIPNetString(r.dst.ip!.hex, r.dst.mask!.hex),
      gw: ipText(r.gw),
      src: ipText(r.src),
      scope: r.scope,
      family: r.family,
      flags: r.flags,
      mtu: r.mtu,
      protocol: r.protocol,
    })),
    neighbors: spec.neighbors.map((n) => ({
      ip: ipText(n.ip),
      hardwareAddr: n.hardwareAddrHex === null ? null : goMACString(n.hardwareAddrHex),
      state: n.state,
      flags: n.flags,
    })),
  };
}

function fixtureView(endpoint: FixtureEndpoint, pciPaths: Record<string, string>) {
  return {
    name: endpoint.name,
    type: endpoint.type,
    hwAddr: endpoint.hwAddr,
    hostBDF: endpoint.hostBDF,
    // The guest path the hypervisor assigned after hot-plug (fixtures key it by host BDF).
    pciPath: Object.hasOwn(pciPaths, endpoint.hostBDF) ? pciPaths[endpoint.hostBDF] : "",
    mtu: endpoint.mtu,
    flags: endpoint.flags,
    rawFlags: endpoint.rawFlags,
    guestMacHex: endpoint.guestMacHex,
    addrs: endpoint.scan.addrs.map((a: FixtureEndpoint) => ({ ipHex: a.ipHex, maskHex: a.maskHex, label: a.label })),
    routes: endpoint.scan.routes.map((r: FixtureEndpoint) => ({
      dst: r.dst,
      gw: r.gw,
      src: r.src,
      scope: r.scope,
      family: r.family,
      flags: r.flags,
      mtu: r.mtu,
      protocol: r.protocol,
    })),
    neighbors: endpoint.scan.neighbors.map((n: FixtureEndpoint) => ({
      ip: n.ip,
      hardwareAddr: n.hardwareAddr,
      state: n.state,
      flags: n.flags,
    })),
  };
}

test("index.json lists exactly the fixture files present", () => {
  assert.deepEqual([...indexedFixtureFiles()].sort(), danFixtureFiles());
});

for (const file of danFixtureFiles()) {
  test(`go-dan/${file}`, () => {
    const fixture = loadDanFixture(file);
    const { error, errorInterface } = fixture.expected;
    const expectedEndpoints = fixture.endpoints.map((e: FixtureEndpoint) => fixtureView(e, fixture.pciPaths));
    if (error === null) {
      const { endpoints } = danToEndpointSpecs(fixture.input, fixture.pciPaths);
      assert.deepEqual(endpoints.map((s) => asFixtureSees(s, fixture.pciPaths)), expectedEndpoints);
      return;
    }
    assert.throws(
      () => danToEndpointSpecs(fixture.input, fixture.pciPaths),
      (thrown: unknown) => {
        assert.ok(thrown instanceof DanError, `expected a DanError, got ${thrown}`);
        assert.equal(thrown.message, error);
        assert.equal(thrown.interfaceName, errorInterface);
        assert.equal(thrown.location !== null, error.startsWith("fail to unmarshal DAN config: "));
        assert.deepEqual(thrown.endpointsBeforeError.map((s) => asFixtureSees(s, fixture.pciPaths)), expectedEndpoints);
        return true;
      },
    );
  });
}
