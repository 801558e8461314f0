// The installed command (bin/katanet.js) runs the bundled command line in dist/cli/, the
// other tests mostly run dist/host/cli.js: both must say the same, byte for byte, with the
// same exit codes, for output formats, failures, usage errors and each command's chunk.
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { packageFile } from "../../host/paths.ts";
import { findLiveFixture, fixturesDirectory } from "../support/fixtures.ts";
import { assertCleanState, createNamespace, deleteNamespaces, ipBatch, namespaceTestsSkip, QUIET_VETH_PAIR } from "../support/netns.ts";

const ENTRIES = { installed: packageFile("bin", "katanet.js"), unbundled: packageFile("dist", "host", "cli.js") };
const scratch = mkdtempSync(join(tmpdir(), "katanet-bundle-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

function run(entry: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [entry, ...args], { encoding: "utf8", maxBuffer: 1 << 28 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function assertSameRun(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const installed = run(ENTRIES.installed, args);
  assert.deepEqual(installed, run(ENTRIES.unbundled, args), `katanet ${args.join(" ")}`);
  return installed;
}

const fixture = findLiveFixture("that converts without error", (f) => !f.file.endsWith(".gz") && f.expected.error === null);

test("the installed command runs the bundle", () => {
  assert.match(readFileSync(ENTRIES.installed, "utf8"), /import\("\.\.\/dist\/cli\/cli\.js"\)/);
});

describe("without a namespace, the bundle and dist/host/ agree", () => {
  for (const args of [
    [],
    ["--help"],
    ["--version"],
    ["help", "attach"],
    ["serve", "--help"],
    ["nonsense"],
    ["convert", join(fixturesDirectory(), fixture.file), "--format", "pb64"],
    ["convert", join(fixturesDirectory(), fixture.file), "--format", "json"],
    ["convert", join(fixturesDirectory(), fixture.file)],
    ["convert", join(fixturesDirectory(), fixture.file), "--format", "yaml"],
    ["explain", join(fixturesDirectory(), fixture.file)],
    ["model", "bogus"],
    ["model", "tcfilter"],
    ["mac", "--count", "zero"],
  ]) {
    test(`katanet ${args.join(" ")}`.replace(fixturesDirectory(), "FIXTURES"), () => void assertSameRun(...args));
  }
});

describe("scanning a namespace, the bundle and dist/host/ agree", { skip: namespaceTestsSkip() }, () => {
  let namespace = "";
  after(() => {
    if (namespace) deleteNamespaces(namespace);
    assertCleanState();
  });

  test("every format, Kata's failure, --keep-going, device paths, and capture", () => {
    namespace = createNamespace();
    // Quiet links: the two commands compared must find the same namespace.
    ipBatch(namespace, [
      ...QUIET_VETH_PAIR,
      "addr add 10.1.0.2/24 dev veth0",
      "route add 10.9.0.0/16 via 10.1.0.1 dev veth0",
      "link add br0 type bridge",
      "addr add 10.2.0.1/24 dev br0",
    ]);
    assert.equal(assertSameRun("scan", "--netns", namespace).status, 3);
    for (const format of ["text", "json", "pb64"]) {
      assert.equal(assertSameRun("scan", "--netns", namespace, "--keep-going", "--format", format).status, 0, format);
    }
    assert.equal(assertSameRun("scan", "--netns", namespace, "--keep-going", "--pci-path", "veth0=02/00").status, 0);
    assert.equal(assertSameRun("scan", "--netns", namespace, "--keep-going", "--pci-path", "veth9=02/00").status, 2);
    assert.equal(assertSameRun("scan", "--netns", namespace, "--keep-going", "--arch", "s390x", "--ccw-device", "veth0=0.0.0001").status, 0);
    assert.equal(assertSameRun("scan", "--netns", "katanet-no-such-namespace").status, 2);
    // A capture holds the links' counters, which move between two runs.
    assert.equal(assertSameRun("capture", "--netns", namespace, "-o", join(scratch, "capture.json")).status, 0);
  });

  test("attach and detach from the bundle (a tap has a new ifindex each time: only the bundle runs them)", () => {
    const attached = run(ENTRIES.installed, ["attach", "--netns", namespace, "--format", "json"]);
    assert.equal(attached.status, 0, attached.stderr);
    const { endpoints, agent } = JSON.parse(attached.stdout) as { endpoints: { name: string; tapName: string }[]; agent: { interfaces: { name: string }[] } };
    assert.deepEqual(endpoints.map((endpoint) => [endpoint.name, endpoint.tapName]), [["veth0", "tap0_kata"]]);
    assert.deepEqual(agent.interfaces.map((iface) => iface.name), ["veth0"]);
    assert.deepEqual(run(ENTRIES.installed, ["detach", "--netns", namespace]), { status: 0, stdout: "detached: veth0\n", stderr: "" });
    assert.deepEqual(assertSameRun("detach", "--netns", namespace), { status: 0, stdout: "nothing attached: nothing changed\n", stderr: "" });
  });
});
