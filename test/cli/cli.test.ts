// The katanet command as a user runs it: output formats, exit codes, Go's error texts.
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findLiveFixture, fixturesDirectory, readFixture, type LiveFixture } from "../support/fixtures.ts";
import { repoRoot } from "../support/fixtures.ts";
import { assertCleanState, createNamespace, deleteNamespaces, ip, ipBatch, namespaceTestsSkip } from "../support/netns.ts";

const cli = join(repoRoot(), "dist", "host", "cli.js");
const scratch = mkdtempSync(join(tmpdir(), "katanet-cli-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

function katanet(...args: string[]): { status: number; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", maxBuffer: 1 << 28 });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

const small = (fixture: LiveFixture): boolean => !fixture.file.endsWith(".gz");
const fixturePath = (fixture: LiveFixture): string => join(fixturesDirectory(), fixture.file);

/** A fixture where the two neighbour rules differ, so both are really exercised. */
const rulesDiffer = findLiveFixture("where the neighbour rules differ", (f) =>
  small(f) && f.expected.seed !== null && f.expected.seed.pb.addArpNeighborsRequest !== f.expected.preseedGateway?.pb.addArpNeighborsRequest,
);
const withRouteMtu = findLiveFixture("with a default route carrying an MTU", (f) =>
  small(f) && (f.expected.seed?.routes ?? []).some((r) => (r as { dest: string; mtu: number }).dest === "" && (r as { mtu: number }).mtu > 0),
);
const unsupported = findLiveFixture("where Kata rejects an unsupported interface", (f) =>
  (f.expected.error ?? "").startsWith("Unsupported network interface: "),
);

describe("katanet convert", () => {
  test("pb64 prints exactly the fixture's expected messages, for both neighbour rules", () => {
    const seed = katanet("convert", fixturePath(rulesDiffer), "--format", "pb64");
    assert.equal(seed.status, 0, seed.stderr);
    assert.deepEqual(JSON.parse(seed.stdout), rulesDiffer.expected.seed!.pb);
    const preseed = katanet("convert", fixturePath(rulesDiffer), "--format", "pb64", "--neighbors", "preseed-gateway");
    assert.deepEqual(JSON.parse(preseed.stdout), rulesDiffer.expected.preseedGateway!.pb);
  });

  test("json prints the decoded messages with Kata's protojson names", () => {
    const result = katanet("convert", fixturePath(rulesDiffer));
    const { interfaces, routes, neighbors } = rulesDiffer.expected.seed!;
    const { skipped, ...messages } = JSON.parse(result.stdout);
    assert.deepEqual(messages, { interfaces, routes, neighbors });
    assert.ok(Array.isArray(skipped), "json lists the links not sent");
  });

  test("text reads like ip address / ip route / ip neigh", () => {
    const result = katanet("convert", fixturePath(withRouteMtu), "--format", "text");
    assert.equal(result.status, 0, result.stderr);
    const iface = withRouteMtu.expected.seed!.interfaces[0] as { name: string; type: string; mtu: string; hwAddr: string };
    assert.match(result.stdout, new RegExp(`^\\d+: ${iface.name}: <[A-Z_,-]*> type ${iface.type} mtu ${iface.mtu} link/ether ${iface.hwAddr}$`, "m"));
    assert.match(result.stdout, /^default via \S+ dev \S+ mtu \d+$/m);
  });

  test("a Kata failure prints Go's text and exits 3", () => {
    const result = katanet("convert", fixturePath(unsupported));
    assert.equal(result.status, 3);
    assert.equal(result.stderr.split("\n")[0], unsupported.expected.error);
    assert.ok(result.stderr.includes(`interface "${unsupported.expected.errorInterface}"`), result.stderr);
  });

  test("endpoints described by hand and DAN files take the same converter", () => {
    const structs = readFixture("structs.json") as { cases: { endpoints: unknown[]; expected: { seed: { pb: unknown } } }[] };
    const specFile = join(scratch, "endpoints.json");
    writeFileSync(specFile, JSON.stringify(structs.cases[0].endpoints));
    const result = katanet("convert", "--endpoints", specFile, "--format", "pb64");
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), structs.cases[0].expected.seed.pb);

    const dan = join(scratch, "dan.json");
    writeFileSync(dan, JSON.stringify({ devices: [{ name: "eth0", guest_mac: "0a:58:0a:0a:00:zz", device: { type: "vfio" } }] }));
    const bad = katanet("convert", "--dan", dan);
    assert.equal(bad.status, 3);
    assert.equal(bad.stderr.split("\n")[0], "bad mac address in DAN config: address 0a:58:0a:0a:00:zz: invalid MAC address");
  });

  test("bad input names what is wrong and exits 2", () => {
    const notJson = join(scratch, "not.json");
    writeFileSync(notJson, "hello");
    assert.match(katanet("convert", notJson).stderr, /not\.json is not JSON: it starts with "h" at byte 0/);
    const badHex = join(scratch, "bad-hex.json");
    writeFileSync(badHex, JSON.stringify({ netlink: { links: ["zz"], addrs: [], routes: [], neighs: [] } }));
    const hex = katanet("convert", badHex);
    assert.equal(hex.status, 2);
    assert.match(hex.stderr, /netlink\.links\[0\]: "zz" at character 0 is not hex/);
    const truncated = join(scratch, "truncated.json");
    writeFileSync(truncated, JSON.stringify({ netlink: { links: [], addrs: [], routes: ["1c000000180000"], neighs: [] } }));
    const short = katanet("convert", truncated);
    assert.equal(short.status, 2);
    assert.match(short.stderr, /netlink\.routes\[0\]: 7 bytes, shorter than a netlink header/);
    assert.equal(katanet("convert").status, 2);
    assert.equal(katanet("convert", notJson, "--format", "yaml").status, 2);
    assert.equal(katanet("nonsense").status, 2);
  });
});

test("the installed entry point (bin/katanet.js) runs the same command line", () => {
  const result = spawnSync(process.execPath, [join(repoRoot(), "bin", "katanet.js"), "--help"], { encoding: "utf8" });
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /^usage: katanet COMMAND/m);
});

describe("katanet mac, pair, model", () => {
  test("private unicast MACs", () => {
    const result = katanet("mac", "--count", "3");
    const macs = result.stdout.trim().split("\n");
    assert.equal(macs.length, 3);
    for (const mac of macs) assert.match(mac, /^[0-9a-f][26ae](:[0-9a-f]{2}){5}$/);
  });

  test("models keep Go's quirks; an unknown one is Go's error", () => {
    assert.deepEqual(JSON.parse(katanet("model", "tcfilter").stdout), { name: "tcfilter", value: 2, getModel: "default" });
    const unknown = katanet("model", "bogus");
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /Unknown type bogus/);
  });

  test("pairs are named from the index", () => {
    const pair = JSON.parse(katanet("pair", "3", "--name", "net1").stdout);
    assert.deepEqual([pair.name, pair.tapName, pair.virtName], ["br3_kata", "tap3_kata", "net1"]);
  });
});

describe("katanet scan and capture", { skip: namespaceTestsSkip() }, () => {
  let namespace = "";
  after(() => {
    if (namespace) deleteNamespaces(namespace);
    assertCleanState();
  });

  test("a bridge makes Kata fail; --keep-going leaves it out and converts the rest; capture replays", () => {
    namespace = createNamespace();
    ipBatch(namespace, [
      "link add eth0 address 02:00:00:00:00:01 type veth peer name peer0 address 02:00:00:00:00:02",
      "addr add 10.1.0.2/24 dev eth0",
      "link add br0 type bridge",
      "addr add 10.2.0.1/24 dev br0",
      "link set eth0 up",
      "link set peer0 up",
    ]);
    const failing = katanet("scan", "--netns", namespace);
    assert.equal(failing.status, 3);
    assert.equal(failing.stderr.split("\n")[0], "Unsupported network interface: bridge");

    const kept = katanet("scan", "--netns", namespace, "--keep-going");
    assert.equal(kept.status, 0, kept.stderr);
    // As `ip link` shows it: the kernel's ifindex and flags.
    const ifindex = (JSON.parse(ip(["-n", namespace, "-j", "link", "show", "eth0"])) as { ifindex: number }[])[0].ifindex;
    assert.match(kept.stdout, new RegExp(`^${ifindex}: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> type virtual mtu 1500 link/ether 02:00:00:00:00:01$`, "m"));
    assert.match(kept.stdout, /^br0: Unsupported network interface: bridge$/m);

    // json and pb64 never hide a left-out link: one line each on stderr, and json lists it.
    const leftOut = "katanet scan: left out br0: Unsupported network interface: bridge\n";
    const json = katanet("scan", "--netns", namespace, "--keep-going", "--format", "json");
    assert.equal(json.status, 0, json.stderr);
    assert.equal(json.stderr, leftOut);
    assert.deepEqual(
      (JSON.parse(json.stdout) as { skipped: { name: string; reason: string }[] }).skipped.find((link) => link.name === "br0"),
      { name: "br0", reason: "Unsupported network interface: bridge" },
    );
    const pb64 = katanet("scan", "--netns", namespace, "--keep-going", "--format", "pb64");
    assert.equal(pb64.status, 0, pb64.stderr);
    assert.equal(pb64.stderr, leftOut);

    const captureFile = join(scratch, "capture.json");
    assert.equal(katanet("capture", "--netns", namespace, "-o", captureFile).status, 0);
    const replay = katanet("convert", captureFile);
    assert.equal(replay.status, 3, "the capture holds the same bridge");
    const replayKept = katanet("convert", captureFile, "--keep-going", "--format", "pb64");
    assert.equal(replayKept.status, 0, replayKept.stderr);
    assert.equal(replayKept.stderr, leftOut.replace("scan", "convert"));
    assert.deepEqual(JSON.parse(replayKept.stdout), JSON.parse(pb64.stdout), "convert --keep-going of the capture gives what scan --keep-going gave");
  });

  test("a missing namespace is named", () => {
    const result = katanet("scan", "--netns", "katanet-no-such-namespace");
    assert.equal(result.status, 2);
    assert.match(result.stderr, /katanet-no-such-namespace/);
  });
});
