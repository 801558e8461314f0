// An ordinary user reads the namespace they are in: scan, capture and watch as uid 65534
// inside a test namespace give what root gets, with no setns and so no CAP_SYS_ADMIN.
// Only entering another namespace needs privilege (test/badinput: "not root").
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { join } from "node:path";
import { repoRoot } from "../support/fixtures.ts";
import { asNobody } from "../support/nobody.ts";
import { assertCleanState, createNamespace, deleteNamespaces, ipBatch, namespaceTestsSkip, QUIET_VETH_PAIR } from "../support/netns.ts";

const cli = join(repoRoot(), "dist", "host", "cli.js");
const skip = namespaceTestsSkip();
let namespace = "";

after(() => {
  if (namespace) deleteNamespaces(namespace);
  assertCleanState();
});

function pod(): string {
  if (namespace) return namespace;
  namespace = createNamespace();
  ipBatch(namespace, [...QUIET_VETH_PAIR, "addr add 10.8.0.2/24 dev veth0", "route add default via 10.8.0.1"]);
  return namespace;
}

/** `katanet ARGS` run by nobody inside the namespace (ip netns exec enters it as root first). */
function asNobodyInside(args: string[]): string[] {
  return ["ip", "netns", "exec", pod(), ...asNobody([process.execPath, cli, ...args])];
}

function run(command: string[]): { status: number | null; stdout: string; stderr: string } {
  const child = spawnSync(command[0], command.slice(1), { encoding: "utf8", timeout: 60_000, cwd: "/" });
  return { status: child.status, stdout: child.stdout, stderr: child.stderr };
}

test("scan as an unprivileged user in its own namespace matches root's scan of it", { skip }, () => {
  for (const format of ["json", "pb64", "text"]) {
    const nobody = run(asNobodyInside(["scan", "--format", format]));
    assert.equal(nobody.status, 0, nobody.stderr);
    assert.equal(nobody.stderr, "");
    const root = run([process.execPath, cli, "scan", "--netns", pod(), "--format", format]);
    assert.equal(nobody.stdout, root.stdout, `--format ${format}`);
  }
});

test("capture as an unprivileged user in its own namespace", { skip }, () => {
  const nobody = run(asNobodyInside(["capture"]));
  assert.equal(nobody.status, 0, nobody.stderr);
  const links = (JSON.parse(nobody.stdout) as { netlink: { links: string[] } }).netlink.links;
  assert.equal(links.length, 3, "lo, veth0 and veth1");
});

test("watch as an unprivileged user in its own namespace sends its snapshot and stops on SIGTERM", { skip }, async () => {
  const command = asNobodyInside(["watch", "--format", "json"]);
  const child = spawn(command[0], command.slice(1), { stdio: ["ignore", "pipe", "pipe"], cwd: "/" });
  let stdout = "";
  let stderr = "";
  child.stderr.on("data", (chunk) => (stderr += chunk));
  const firstLine = await new Promise<string>((resolve, reject) => {
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
      if (stdout.includes("\n")) resolve(stdout.split("\n")[0]);
    });
    child.on("close", () => reject(new Error(`watch ended before its snapshot: ${stderr}`)));
  });
  const snapshot = (JSON.parse(firstLine) as { snapshot: { interfaces: { Interfaces: { name: string }[] } } }).snapshot;
  assert.deepEqual(snapshot.interfaces.Interfaces.map((item) => item.name), ["veth0"]);
  const ended = new Promise<number | null>((resolve) => child.on("close", (status) => resolve(status)));
  // ip netns exec and setpriv exec in turn, so the child's pid is katanet's own.
  process.kill(child.pid!, "SIGTERM");
  assert.equal(await ended, 0, stderr);
  assert.equal(stderr, "");
});
