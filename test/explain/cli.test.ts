// katanet explain as a user runs it: the JSON shape, the text form, exit 0 / 4 / 2.
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findLiveFixture, fixturesDirectory, repoRoot, type LiveFixture } from "../support/fixtures.ts";
import { assertCleanState, createNamespace, deleteNamespaces, ipBatch, namespaceTestsSkip, QUIET_VETH_PAIR } from "../support/netns.ts";

const cli = join(repoRoot(), "dist", "host", "cli.js");
const scratch = mkdtempSync(join(tmpdir(), "katanet-explain-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

function katanet(...args: string[]): { status: number; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", maxBuffer: 1 << 28 });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

const small = (fixture: LiveFixture): boolean => !fixture.file.endsWith(".gz");
const path = (fixture: LiveFixture): string => join(fixturesDirectory(), fixture.file);
const ROUTE_TABLE_OFFSET = 16 + 4; // nlmsghdr, then rtm_family, dst_len, src_len, tos, table

const otherTable = findLiveFixture("with a route outside the main and local tables", (f) =>
  small(f) && f.expected.error === null && f.netlink.routes.some((hex) => ![254, 255].includes(parseInt(hex.slice(2 * ROUTE_TABLE_OFFSET, 2 * ROUTE_TABLE_OFFSET + 2), 16))),
);
const refused = findLiveFixture("where Kata rejects an unsupported interface", (f) => (f.expected.error ?? "").startsWith("Unsupported network interface: "));

test("--format json is one object of items and findings, an item per message in source order", () => {
  const run = katanet("explain", path(otherTable), "--format", "json");
  assert.equal(run.status, 0, run.stderr);
  const explanation = JSON.parse(run.stdout);
  assert.deepEqual(Object.keys(explanation), ["items", "findings"]);
  const counts = otherTable.netlink.links.length + otherTable.netlink.addrs.length + otherTable.netlink.routes.length + otherTable.netlink.neighs.length;
  assert.equal(explanation.items.length, counts);
  for (const item of explanation.items) {
    assert.deepEqual(Object.keys(item), ["kind", "link", "mark", "rule", "reason", "object", "message"]);
    assert.ok(["sent", "dropped", "changed"].includes(item.mark));
  }
  assert.ok(explanation.items.some((item: { rule: string; mark: string }) => item.rule === "route.not-main-table" && item.mark === "dropped"));
});

test("the text form names each dropped object's rule and reason", () => {
  const run = katanet("explain", path(otherTable));
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /^routes:$/m);
  assert.match(run.stdout, /^ {2}dropped  .* dev \S+\n {11}route\.not-main-table: only the main table \(254\) is read; this route is in table \d+$/m);
});

test("Kata refusing the namespace: everything is still listed, Go's message is an error finding, exit 4", () => {
  const run = katanet("explain", path(refused), "--format", "json");
  assert.equal(run.status, 4, run.stderr);
  const explanation = JSON.parse(run.stdout);
  assert.ok(explanation.items.length > 0);
  const error = explanation.findings.find((finding: { severity: string }) => finding.severity === "error");
  assert.ok(error.fix.includes(`"${refused.expected.error}"`), error.fix);
  assert.deepEqual(Object.keys(error), ["severity", "rule", "objects", "fix"]);
});

test("two sources, or an unknown format, are usage errors (exit 2)", () => {
  const spec = join(scratch, "spec.json");
  writeFileSync(spec, "[]");
  const two = katanet("explain", path(otherTable), "--endpoints", spec);
  assert.equal(two.status, 2);
  assert.match(two.stderr, /^katanet explain: give at most one of --netns X, CAPTURE\.json, --endpoints SPEC\.json or --dan FILE/);
  const format = katanet("explain", "--endpoints", spec, "--format", "pb64");
  assert.equal(format.status, 2);
  assert.match(format.stderr, /^katanet explain: --format must be text or json, not "pb64"/);
});

describe("katanet explain --netns", { skip: namespaceTestsSkip() }, () => {
  let namespace = "";
  after(() => {
    if (namespace) deleteNamespaces(namespace);
    assertCleanState();
  });

  test("a live namespace: the main table's route sent, table 100's dropped, the kernel's own dropped", () => {
    namespace = createNamespace();
    ipBatch(namespace, [
      ...QUIET_VETH_PAIR,
      "addr add 10.1.0.2/24 dev veth0",
      "route add 10.5.0.0/16 via 10.1.0.1 dev veth0",
      "route add 10.6.0.0/16 via 10.1.0.1 dev veth0 table 100",
    ]);
    const run = katanet("explain", "--netns", namespace, "--format", "json");
    assert.equal(run.status, 0, run.stderr);
    const routes = JSON.parse(run.stdout).items.filter((item: { kind: string }) => item.kind === "route");
    const mark = (dest: string) => routes.find((route: { object: { dest: string } }) => route.object.dest === dest);
    assert.equal(mark("10.5.0.0/16").mark, "sent");
    assert.equal(mark("10.5.0.0/16").message, "updateRoutesRequest");
    assert.equal(mark("10.6.0.0/16").rule, "route.not-main-table");
    assert.equal(mark("10.1.0.0/24").rule, "route.kernel-protocol");
  });
});
