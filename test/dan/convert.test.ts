// DAN conversion rules the Go fixtures leave open: code-point name order, where a JSON
// error is, lookups that must not reach Object.prototype, and MTUs past 2^53.

import assert from "node:assert/strict";
import { test } from "node:test";
import { danToEndpointSpecs } from "../../host/dan/convert.ts";
import { DanError } from "../../host/dan/errors.ts";

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

function danFile(devices: object[]): Uint8Array {
  return utf8(JSON.stringify({ devices }));
}

const vfio = (name: string, extra: object = {}) => ({
  name,
  guest_mac: "0a:58:0a:0a:00:05",
  device: { type: "vfio", pci_device_id: `bdf-${name}` },
  ...extra,
});

test("endpoints sort by UTF-8 bytes (code points), not UTF-16 units; equal names keep input order", () => {
  const names = ["eth2", "\u{1f600}", "eth10", "\uff01", "Net0", "eth10"];
  const file = danFile(names.map((name, i) => vfio(name, { guest_mac: `0a:58:0a:0a:00:0${i}` })));
  const { endpoints } = danToEndpointSpecs(file, {});
  assert.deepEqual(
    endpoints.map((e) => [e.name, e.hwAddr]),
    [["Net0", "0a:58:0a:0a:00:04"], ["eth10", "0a:58:0a:0a:00:02"], ["eth10", "0a:58:0a:0a:00:05"], ["eth2", "0a:58:0a:0a:00:00"], ["\uff01", "0a:58:0a:0a:00:03"], ["\u{1f600}", "0a:58:0a:0a:00:01"]],
  );
});

test("a JSON error says where the decoder stopped, beyond Kata's text", () => {
  const file = utf8('{\n  "devices": [\n    {"name": "eth0",}\n  ]\n}\n');
  assert.throws(
    () => danToEndpointSpecs(file, {}),
    (error: unknown) =>
      error instanceof DanError &&
      error.message === "fail to unmarshal DAN config: invalid character '}' looking for beginning of object key string" &&
      error.interfaceName === null &&
      error.location?.line === 3 &&
      error.location.column === 21,
  );
  const wrongType = '{"devices": [{"network_info": {"interface": {"mtu": "1500"}}}]}';
  assert.throws(
    () => danToEndpointSpecs(utf8(wrongType), {}),
    (error: unknown) => error instanceof DanError && error.location?.offset === wrongType.indexOf('"1500"'),
  );
});

test("guest PCI paths are looked up by host PCI id as given, never through Object.prototype", () => {
  const file = danFile([vfio("eth0", { device: { type: "vfio", pci_device_id: "constructor" } }), vfio("eth1")]);
  const { endpoints } = danToEndpointSpecs(file, { "bdf-eth1": "1F/3" });
  assert.deepEqual(endpoints.map((e) => [e.hostBDF, e.pciPath]), [["constructor", ""], ["bdf-eth1", "1F/3"]]);
});

test("the MTU is Go's int of the uint64: exact past 2^53, negative from 2^63", () => {
  const mtus = ["9007199254740993", "9223372036854775808", "18446744073709551615"];
  const devices = mtus.map((mtu, i) => `{"name": "eth${i}", "guest_mac": "0a:58:0a:0a:00:05", "device": {"type": "vfio"}, "network_info": {"interface": {"mtu": ${mtu}}}}`);
  const { endpoints } = danToEndpointSpecs(utf8(`{"devices": [${devices.join(",")}]}`), {});
  assert.deepEqual(endpoints.map((e) => e.iface.mtu), [9007199254740993n, -9223372036854775808n, -1]);
});

test("gateways and sources that do not parse become nil; the family then says IPv6", () => {
  const routes = [
    { dest: "10.0.0.0/8", gateway: "fe80::1%eth0", source: "010.0.0.1" },
    { dest: "2001:db8::/32", gateway: "10.0.0.1" },
    { gateway: "::ffff:10.0.0.1", scope: 300 },
  ];
  const { endpoints } = danToEndpointSpecs(danFile([vfio("eth0", { network_info: { routes } })]), {});
  assert.deepEqual(
    endpoints[0].routes.map((r) => [r.dst?.ip?.hex ?? null, r.gw?.hex ?? null, r.src, r.family, r.scope]),
    [
      ["0a000000", null, null, 10, 0],
      ["20010db8000000000000000000000000", "00000000000000000000ffff0a000001", null, 2, 0],
      [null, "00000000000000000000ffff0a000001", null, 2, 44],
    ],
  );
});
