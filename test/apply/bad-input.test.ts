// `katanet apply` on bad input: every kind gets its own message and exit code, and input
// errors (exit 2) leave the namespace untouched; a kernel refusal part-way (exit 3) lists
// what was applied and what was not, deletions included.

import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { applyCommand } from "../../host/cli/apply.ts";
import { assertCleanState, ip, ipBatch, namespaceTestsSkip } from "../support/netns.ts";
import { buildMirror, capturedIO, pb64Json, type Mirror, type RequestsJson } from "./support.ts";

const MAC = "02:00:00:00:aa:01";
const ETH0 = { name: "eth0", hwAddr: MAC, mtu: 1500, IPAddresses: [{ family: 0, address: "10.0.0.2", mask: "24" }] };
const GOOD_ROUTE = { dest: "10.9.0.0/24", gateway: "10.0.0.1", device: "eth0" };

interface Case {
  name: string;
  input: string | RequestsJson;
  exit: number;
  message: RegExp;
}

const CASES: Case[] = [
  { name: "bad JSON", input: "{ not json", exit: 2, message: /^katanet apply: standard input: not JSON: / },
  { name: "JSON without agent requests", input: '{"routes": []}', exit: 2, message: /no agent requests: expected one of updateInterfaceRequests, updateRoutesRequest, addArpNeighborsRequest/ },
  { name: "bad base64", input: '{"updateRoutesRequest": "not base64!"}', exit: 2, message: /updateRoutesRequest is not valid base64/ },
  { name: "truncated protobuf", input: '{"updateRoutesRequest": "CgoKCDEwLjAuMA=="}', exit: 2, message: /updateRoutesRequest: not a valid UpdateRoutesRequest protobuf: / },
  { name: "interface request without an interface", input: '{"updateInterfaceRequests": [""]}', exit: 2, message: /updateInterfaceRequests\[0\] carries no interface/ },
  { name: "bad IP", input: { interfaces: [ETH0], routes: [{ ...GOOD_ROUTE, gateway: "10.0.0.300" }] }, exit: 2, message: /routes\[0\]\.gateway "10\.0\.0\.300": not an IP address/ },
  { name: "bad address", input: { interfaces: [{ ...ETH0, IPAddresses: [{ family: 0, address: "10.0.0", mask: "24" }] }] }, exit: 2, message: /interfaces\[0\]\.IPAddresses\[0\]\.address "10\.0\.0": not an IP address/ },
  { name: "bad prefix length", input: { interfaces: [{ ...ETH0, IPAddresses: [{ family: 0, address: "10.0.0.2", mask: "33" }] }] }, exit: 2, message: /interfaces\[0\]\.IPAddresses\[0\]\.mask "33": prefix length out of range for an IPv4 address \(0-32\)/ },
  { name: "bad route prefix", input: { routes: [{ ...GOOD_ROUTE, dest: "10.9.0.0/x" }] }, exit: 2, message: /routes\[0\]\.dest "10\.9\.0\.0\/x": not a prefix length/ },
  { name: "bad MAC", input: { interfaces: [{ ...ETH0, hwAddr: "02:00:00:zz:00:01" }] }, exit: 2, message: /interfaces\[0\]\.hwAddr "02:00:00:zz:00:01": not a MAC address/ },
  { name: "bad neighbour lladdr", input: { neighbours: [{ toIPAddress: { family: 0, address: "10.0.0.9", mask: "" }, device: "eth0", lladdr: "02:00:00" }] }, exit: 2, message: /neighbors\[0\]\.lladdr "02:00:00": not a MAC address/ },
  { name: "neighbour without IP", input: { neighbours: [{ device: "eth0", lladdr: MAC }] }, exit: 2, message: /neighbors\[0\]\.toIPAddress: missing/ },
  { name: "unknown MAC", input: { interfaces: [{ ...ETH0, hwAddr: "02:00:00:00:bb:01" }] }, exit: 2, message: /interfaces\[0\]\.hwAddr "02:00:00:00:bb:01": no link with this MAC address in the namespace/ },
  { name: "unknown device", input: { interfaces: [ETH0], routes: [{ ...GOOD_ROUTE, device: "eth9" }] }, exit: 2, message: /routes\[0\]\.device "eth9": no link with this name in the namespace \(after the interface updates\)/ },
  { name: "unknown family", input: { routes: [{ ...GOOD_ROUTE, family: 7 }] }, exit: 2, message: /routes\[0\]\.family 7: not an address family \(v4 = 0 or v6 = 1\)/ },
  { name: "family contradicting the address", input: { routes: [{ ...GOOD_ROUTE, family: 1 }] }, exit: 2, message: /routes\[0\]\.dest "10\.9\.0\.0\/24": is IPv4 but routes\[0\]\.family says v6/ },
  // Validate, then write (issue 18): each refused whole, before the link is taken down.
  { name: "MTU 0", input: { interfaces: [{ ...ETH0, mtu: 0 }], routes: [GOOD_ROUTE] }, exit: 2, message: /^katanet apply: interfaces\[0\]\.mtu 0: out of the range eth0 accepts \(68-65535\)\n$/ },
  { name: "name with a slash", input: { interfaces: [{ ...ETH0, name: "../../x" }] }, exit: 2, message: /interfaces\[0\]\.name "\.\.\/\.\.\/x": a link name cannot contain '\/', ':', whitespace or NUL/ },
  { name: "name of 200 characters", input: { interfaces: [{ ...ETH0, name: "n".repeat(200) }] }, exit: 2, message: /interfaces\[0\]\.name "n+": a link name has at most 15 bytes, this one 200/ },
  { name: "name ..", input: { interfaces: [{ ...ETH0, name: ".." }] }, exit: 2, message: /interfaces\[0\]\.name "\.\.": not a valid link name/ },
  { name: "renaming a NIC to lo", input: { interfaces: [{ ...ETH0, name: "lo" }] }, exit: 2, message: /interfaces\[0\]\.name "lo": is the loopback device's name; no link is renamed to or from it/ },
  { name: "reconfiguring lo", input: { interfaces: [{ ...ETH0, name: "eth0", hwAddr: "00:00:00:00:00:00" }] }, exit: 2, message: /interfaces\[0\]\.hwAddr "00:00:00:00:00:00": names the loopback device lo, which is never reconfigured/ },
  { name: "loopback address on a NIC", input: { interfaces: [{ ...ETH0, IPAddresses: [{ family: 0, address: "127.0.0.5", mask: "8" }] }] }, exit: 2, message: /interfaces\[0\]\.IPAddresses\[0\]\.address "127\.0\.0\.5": a loopback address cannot be used here/ },
  { name: "multicast gateway", input: { interfaces: [ETH0], routes: [{ ...GOOD_ROUTE, gateway: "224.0.0.1" }] }, exit: 2, message: /routes\[0\]\.gateway "224\.0\.0\.1": a multicast address cannot be used here/ },
  { name: "unspecified neighbour", input: { interfaces: [ETH0], neighbours: [{ toIPAddress: { family: 0, address: "0.0.0.0", mask: "" }, device: "eth0", lladdr: MAC }] }, exit: 2, message: /neighbors\[0\]\.toIPAddress\.address "0\.0\.0\.0": an unspecified address cannot be used here/ },
  { name: "MTU beyond 32 bits", input: { interfaces: [{ ...ETH0, mtu: 2 ** 33 }] }, exit: 2, message: /interfaces\[0\]\.mtu "8589934592": larger than a link MTU can be/ },
];

/** eth0's flags, MTU and addresses; not its qdisc, which the kernel attaches on its first up. */
const addressesOf = (namespace: string) => ip(["-n", namespace, "addr", "show", "eth0"]).replace(/ qdisc \S+/, "");

describe("katanet apply on bad input", { skip: namespaceTestsSkip() }, () => {
  let mirror: Mirror;
  before(() => (mirror = buildMirror([{ name: "eth0", hwAddr: MAC }])));
  after(() => {
    mirror?.delete();
    assertCleanState();
  });

  const untouched = () => {
    assert.doesNotMatch(ip(["-n", mirror.namespace, "addr", "show", "eth0"]), /inet |state UP/);
    assert.equal(ip(["-n", mirror.namespace, "route"]), "");
  };

  for (const { name, input, exit, message } of CASES) {
    it(`${name}: exit ${exit}, nothing written`, async () => {
      const io = capturedIO(typeof input === "string" ? input : pb64Json(input));
      assert.equal(await applyCommand.run(["--netns", mirror.namespace], io), exit);
      assert.match(io.stderr, message);
      assert.equal(io.stdout, "");
      untouched();
    });
  }

  it("a namespace that does not exist: exit 2", async () => {
    const io = capturedIO(pb64Json({ interfaces: [ETH0] }));
    assert.equal(await applyCommand.run(["--netns", "katanet-no-such-namespace"], io), 2);
    assert.match(io.stderr, /^katanet apply: no network namespace named "katanet-no-such-namespace"/);
  });

  it("a file that cannot be read: exit 2", async () => {
    const io = capturedIO();
    assert.equal(await applyCommand.run(["--netns", mirror.namespace, "/nonexistent/requests.json"], io), 2);
    assert.match(io.stderr, /cannot read \/nonexistent\/requests\.json: no such file/);
  });

  it("a route via an unreachable gateway: exit 3 with the kernel's reason; applied, not-applied and undone steps", async () => {
    const directory = mkdtempSync(join(tmpdir(), "katanet-apply-"));
    try {
      const file = join(directory, "requests.json");
      const neighbour = { toIPAddress: { family: 0, address: "10.0.0.9", mask: "" }, device: "eth0", lladdr: "02:00:00:00:00:09" };
      writeFileSync(file, pb64Json({ interfaces: [ETH0], routes: [{ ...GOOD_ROUTE, gateway: "192.168.77.1" }], neighbours: [neighbour] }));
      const before = addressesOf(mirror.namespace);
      const io = capturedIO();
      assert.equal(await applyCommand.run(["--netns", mirror.namespace, file], io), 3);
      assert.match(io.stderr, /^katanet apply: failed: routes\[0\] 10\.9\.0\.0\/24 via 192\.168\.77\.1 dev eth0: ENETUNREACH \(Network is unreachable\): Nexthop has invalid gateway\n/);
      assert.match(io.stderr, /\n {2}applied {6}interfaces\[0\] eth0 \(02:00:00:00:aa:01\): add address 10\.0\.0\.2\/24 to eth0\n/);
      assert.match(io.stderr, /\n {2}failed {7}routes\[0\] /);
      assert.match(io.stderr, /\n {2}not applied {2}neighbors\[0\] 10\.0\.0\.9 lladdr 02:00:00:00:00:09 dev eth0\n/);
      assert.match(io.stderr, /\n {2}undone {7}interfaces\[0\] eth0 \(02:00:00:00:aa:01\): add address 10\.0\.0\.2\/24 to eth0\n {2}the namespace is as it was before\n$/);
      assert.equal(addressesOf(mirror.namespace), before);

      const agent = capturedIO();
      assert.equal(await applyCommand.run(["--netns", mirror.namespace, "--agent-semantics", file], agent), 3);
      assert.match(agent.stderr, /\n {2}not applied {2}neighbors\[0\] 10\.0\.0\.9 lladdr 02:00:00:00:00:09 dev eth0\n$/);
      assert.match(ip(["-n", mirror.namespace, "addr", "show", "eth0"]), /inet 10\.0\.0\.2\/24/);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it("an MTU beyond the NIC's range: exit 2 before any write, the namespace untouched", async () => {
    ipBatch(mirror.namespace, ["addr add 192.0.2.5/24 dev eth0", "link set eth0 up"]);
    const before = addressesOf(mirror.namespace);
    const io = capturedIO(pb64Json({ interfaces: [{ ...ETH0, mtu: 70000 }], routes: [GOOD_ROUTE] }));
    assert.equal(await applyCommand.run(["--netns", mirror.namespace], io), 2);
    assert.equal(io.stderr, "katanet apply: interfaces[0].mtu 70000: out of the range eth0 accepts (68-65535)\n");
    assert.equal(addressesOf(mirror.namespace), before);
  });
});
