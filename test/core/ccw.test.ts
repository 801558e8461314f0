// s390x device paths: Kata's runtime on s390x sends an interface's CCW device (printed
// 0.%x.%04x) as its device path, or none, whatever its PCI path; elsewhere the PCI path.
// Bad ids fail with Kata's CcwDeviceFrom text. Hand-described endpoints, a live scan and
// the command line.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { asCapture, CaptureFormatError } from "../../host/capture.ts";
import { convertEndpoints, type EndpointConvertOptions } from "../../host/convert.ts";
import { MalformedInputError } from "../../host/core-errors.ts";
import type { EndpointSpec } from "../../host/dan/endpoint-spec.ts";
import { decodeMessages } from "../../host/format/decoded.ts";
import { packageFile } from "../../host/paths.ts";
import { scan } from "../../host/scan.ts";
import { createNamespace, deleteNamespaces, ipBatch, namespaceTestsSkip, QUIET_VETH_PAIR } from "../support/netns.ts";

const ENDPOINT: EndpointSpec = { name: "eth0", type: "veth", hwAddr: "02:00:00:00:00:01", pciPath: "02/03", iface: { mtu: 1500, rawFlags: 0 }, addrs: [], routes: [], neighbors: [] };

function devicePath(options: EndpointConvertOptions): string {
  const conversion = convertEndpoints([ENDPOINT], options);
  return decodeMessages(conversion.messages.seed!).interfaces[0].devicePath;
}

function ccwFailure(id: string): string {
  try {
    devicePath({ arch: "s390x", ccwDevices: { eth0: id } });
  } catch (error) {
    assert.ok(error instanceof MalformedInputError, String(error));
    return error.detail;
  }
  assert.fail(`${id} was accepted`);
}

describe("device paths by architecture", () => {
  test("off s390x the PCI path is sent, and a CCW device changes nothing", () => {
    assert.equal(devicePath({ arch: "amd64" }), "02/03");
    assert.equal(devicePath({ arch: "arm64", ccwDevices: { eth0: "0.0.0001" } }), "02/03");
  });

  test("on s390x an endpoint without a CCW device gets none, whatever its PCI path", () => {
    assert.equal(devicePath({ arch: "s390x" }), "");
    assert.equal(devicePath({ arch: "s390x", ccwDevices: { eth1: "0.0.0001" } }), "");
  });

  test("on s390x the CCW device is printed as String() does: 0.%x.%04x", () => {
    assert.equal(devicePath({ arch: "s390x", ccwDevices: { eth0: "0.0.0000" } }), "0.0.0000");
    assert.equal(devicePath({ arch: "s390x", ccwDevices: { eth0: "0.3.ffff" } }), "0.3.ffff");
    assert.equal(devicePath({ arch: "s390x", ccwDevices: { eth0: "0.1.1F" } }), "0.1.001f");
    assert.equal(devicePath({ arch: "s390x", ccwDevices: { eth0: "0.2.00000a" } }), "0.2.000a");
  });
});

describe("bad CCW ids fail with Kata's text", () => {
  test("a subchannel set beyond 3", () => {
    assert.equal(ccwFailure("0.4.0000"), 'CCW device "0.4.0000" of eth0: Subchannel set ID 4 should be in range [0..3]');
  });

  test("a device number beyond ffff, or not hex, as strconv.ParseUint reports it", () => {
    assert.equal(ccwFailure("0.0.10000"), 'CCW device "0.0.10000" of eth0: Failed to parse 0x10000 as CCW device number: strconv.ParseUint: parsing "10000": value out of range');
    assert.equal(ccwFailure("0.0.NaN"), 'CCW device "0.0.NaN" of eth0: Failed to parse 0xNaN as CCW device number: strconv.ParseUint: parsing "NaN": invalid syntax');
    assert.equal(ccwFailure("0.0.0x1"), 'CCW device "0.0.0x1" of eth0: Failed to parse 0x0x1 as CCW device number: strconv.ParseUint: parsing "0x1": invalid syntax');
    assert.equal(ccwFailure("0.0."), 'CCW device "0.0." of eth0: Failed to parse 0x as CCW device number: strconv.ParseUint: parsing "": invalid syntax');
    // ParseUint stops at the first problem from the left: the range, before the bad digit.
    assert.match(ccwFailure("0.0.10000g"), /parsing "10000g": value out of range$/);
    assert.match(ccwFailure('0.0.a"b'), /parsing "a\\"b": invalid syntax$/);
  });

  test("text that is no bus id at all", () => {
    for (const id of ["", "1.0.0001", "0.0", "0..0001", "0.x.0001", "0.1234567890.0001"]) {
      assert.equal(ccwFailure(id), `CCW device "${id}" of eth0: not a bus id 0.SSID.DEVNO (SSID in decimal, DEVNO in hex)`);
    }
  });

  test("a capture's ccwDevices must map names to strings", () => {
    assert.throws(() => asCapture({ netlink: { links: [], addrs: [], routes: [], neighs: [] }, ccwDevices: { eth0: 1 } }), CaptureFormatError);
  });
});

describe("a live scan on s390x", { skip: namespaceTestsSkip() }, () => {
  let namespace = "";
  before(() => {
    namespace = createNamespace();
    ipBatch(namespace, [...QUIET_VETH_PAIR, "addr add 10.1.0.1/24 dev veth0", "addr add 10.1.1.1/24 dev veth1"]);
  });
  after(() => deleteNamespaces(namespace));

  test("sends each link's CCW device, or none, and its PCI path elsewhere", () => {
    const options = { netns: namespace, pciPaths: { veth0: "02/00", veth1: "02/01" }, ccwDevices: { veth0: "0.0.0004" }, dumpThread: false };
    const paths = (arch: string) =>
      Object.fromEntries(decodeMessages(scan({ ...options, arch }).messages.seed!).interfaces.map((i) => [i.name, i.devicePath]));
    assert.deepEqual(paths("s390x"), { veth0: "0.0.0004", veth1: "" });
    assert.deepEqual(paths("amd64"), { veth0: "02/00", veth1: "02/01" });
  });
});

describe("katanet convert --arch --ccw-device", () => {
  const scratch = mkdtempSync(join(tmpdir(), "katanet-ccw-"));
  const specs = join(scratch, "endpoints.json");
  writeFileSync(specs, JSON.stringify([ENDPOINT]));
  after(() => rmSync(scratch, { recursive: true, force: true }));
  const katanet = (...args: string[]) => spawnSync("node", [packageFile("dist", "host", "cli.js"), "convert", "--endpoints", specs, ...args], { encoding: "utf8" });

  test("prints the CCW device as the device path", () => {
    const result = katanet("--arch", "s390x", "--ccw-device", "eth0=0.1.2a", "--format", "text");
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^eth0: <> type veth mtu 1500 link\/ether 02:00:00:00:00:01 ccw 0\.1\.002a$/m);
  });

  test("a bad id exits 2 with Kata's text", () => {
    const result = katanet("--arch", "s390x", "--ccw-device", "eth0=0.7.1");
    assert.equal(result.status, 2);
    assert.match(result.stderr, /Subchannel set ID 7 should be in range \[0\.\.3\]/);
  });

  test("a CCW device off s390x, an unknown architecture and a missing name are usage errors", () => {
    for (const args of [["--arch", "amd64", "--ccw-device", "eth0=0.0.1"], ["--arch", "s390"], ["--arch", "s390x", "--ccw-device", "0.0.1"]]) {
      const result = katanet(...args);
      assert.equal(result.status, 2, args.join(" "));
      assert.match(result.stderr, /^katanet convert: --(arch|ccw-device)/, args.join(" "));
    }
  });

  test("a --ccw-device key that names no endpoint is an error naming it", () => {
    const result = katanet("--arch", "s390x", "--ccw-device", "eht0=0.0.0001");
    assert.equal(result.status, 2);
    assert.match(result.stderr, /^katanet convert: --ccw-device eht0=0\.0\.0001: "eht0" matches no endpoint of the input \(there are: eth0\)/);
  });
});
