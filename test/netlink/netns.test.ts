import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { rmSync } from "node:fs";
import { after, afterEach, before, describe, it } from "node:test";
import { GrowableSink } from "../../host/netlink/sink.ts";
import { linkDumpRequest } from "../../host/netlink/dump.ts";
import { netlinkMessages } from "../../host/netlink/messages.ts";
import {
  assertInOriginalNamespace,
  currentNamespaceId,
  inNamespace,
  NamespaceError,
  permissionDeniedMessage,
  resolveNamespace,
  type NamespaceProblem,
} from "../../host/netlink/netns.ts";
import { NetlinkSocket } from "../../host/netlink/socket.ts";
import { assertCleanState, createNamespace, deleteNamespaces, ipBatch, namespaceTestsSkip } from "../support/netns.ts";
import { asNobody } from "../support/nobody.ts";

const RTM_NEWLINK = 16;

function linkCountSeenBy(socket: NetlinkSocket): number {
  const sink = new GrowableSink();
  socket.dump(linkDumpRequest(), sink);
  return [...netlinkMessages(sink.bytes())].filter((message) => message.type === RTM_NEWLINK).length;
}

function linkCountIn(spec: string): number {
  const socket = inNamespace(spec, () => NetlinkSocket.open());
  try {
    return linkCountSeenBy(socket);
  } finally {
    socket.close();
  }
}

function assertNamespaceError(spec: string, problem: NamespaceProblem, message: RegExp): void {
  assert.throws(
    () => inNamespace(spec, () => assert.fail("the callback must not run when entry fails")),
    (error: unknown) => {
      assert.ok(error instanceof NamespaceError, `expected a NamespaceError, got ${String(error)}`);
      assert.equal(error.problem, problem);
      assert.match(error.message, message);
      return true;
    },
  );
  assertInOriginalNamespace();
}

describe("resolveNamespace", () => {
  it("reads digits as a PID, slashes as a path, anything else as a name", () => {
    assert.equal(resolveNamespace("1234").path, "/proc/1234/ns/net");
    assert.equal(resolveNamespace("/run/netns/x").path, "/run/netns/x");
    assert.equal(resolveNamespace("ns-a").path, "/var/run/netns/ns-a");
    assert.equal(resolveNamespace("./rel/ns").path, `${process.cwd()}/rel/ns`);
  });

  it("rejects names that would escape the namespace directory", () => {
    assert.throws(() => resolveNamespace(".."), /"\.\." is not a network namespace name/);
    assert.throws(() => resolveNamespace(""), /empty network namespace name/);
  });
});

describe("the permission-denied message", () => {
  it("tells a user without root to run as root", () => {
    assert.match(permissionDeniedMessage("/run/netns/a", "setns: EPERM", false), /\(setns: EPERM\); entering another namespace needs CAP_SYS_ADMIN, run as root$/);
  });

  it("tells root that root is not the cure, rather than to run as root", () => {
    const message = permissionDeniedMessage("/proc/1/ns/net", "open: EACCES", true);
    assert.match(message, /^permission denied entering network namespace \/proc\/1\/ns\/net \(open: EACCES\), even as root: /);
    assert.doesNotMatch(message, /run as root/);
  });
});

describe("entering network namespaces", { skip: namespaceTestsSkip() }, () => {
  let namespace = "";
  const home = currentNamespaceId();

  before(() => {
    namespace = createNamespace();
    ipBatch(namespace, ["link add kn-veth0 type veth peer name kn-veth1"]);
  });
  afterEach(() => assert.equal(currentNamespaceId(), home));
  after(() => {
    deleteNamespaces(namespace);
    assertCleanState();
  });

  it("opens a socket that keeps seeing the namespace after the thread has returned", () => {
    const socket = inNamespace(namespace, () => NetlinkSocket.open());
    try {
      assert.equal(currentNamespaceId(), home);
      assert.equal(linkCountSeenBy(socket), 3, "lo, kn-veth0, kn-veth1");
    } finally {
      socket.close();
    }
  });

  it("accepts the namespace as a path and as the PID of a process inside it", async () => {
    assert.equal(linkCountIn(`/var/run/netns/${namespace}`), 3);
    const sleeper: ChildProcess = spawn("ip", ["netns", "exec", namespace, "sleep", "30"], { stdio: "ignore" });
    try {
      await waitUntil(() => sleeperEntered(sleeper.pid));
      assert.equal(linkCountIn(String(sleeper.pid)), 3);
    } finally {
      sleeper.kill();
      await once(sleeper, "exit");
    }
  });

  it("names what was looked for when the namespace does not exist", () => {
    assertNamespaceError("katanet-no-such-ns", "not-found", /no network namespace named "katanet-no-such-ns" \(looked for \/var\/run\/netns\/katanet-no-such-ns\)/);
    assertNamespaceError("/nonexistent/katanet/ns", "not-found", /no such network namespace file \/nonexistent\/katanet\/ns/);
    assertNamespaceError("999999999", "not-found", /no process 999999999 \(looked for \/proc\/999999999\/ns\/net\)/);
  });

  it("refuses files that are not network namespaces", () => {
    assertNamespaceError("/etc/hostname", "not-a-namespace", /\/etc\/hostname is not a network namespace file/);
    assertNamespaceError("/proc/self/ns/mnt", "not-a-namespace", /\/proc\/self\/ns\/mnt is not a network namespace file/);
  });

  it("returns home when the callback throws", () => {
    assert.throws(
      () =>
        inNamespace(namespace, () => {
          assert.notEqual(currentNamespaceId(), home);
          throw new Error("inside failure");
        }),
      /inside failure/,
    );
  });

  it("refuses an asynchronous callback, after returning home", () => {
    assert.throws(() => inNamespace(namespace, async () => 1), /must finish synchronously/);
  });

  it("reports permission denied for a process without CAP_SYS_ADMIN", () => {
    const output = runAsNobody(namespace);
    assert.match(output, /permission-denied: permission denied entering network namespace \/var\/run\/netns\/katanet-t-.*run as root/);
  });
});

/** True once the `ip netns exec` child has switched namespaces (its ns link changed). */
function sleeperEntered(pid: number | undefined): boolean {
  try {
    return pid !== undefined && spawnSync("readlink", [`/proc/${pid}/ns/net`], { encoding: "utf8" }).stdout.trim() !== currentNamespaceId();
  } catch {
    return false;
  }
}

async function waitUntil(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Runs inNamespace in a child of the same runtime as nobody (test/support/nobody.ts: able to
 * load katanet even from a checkout nobody cannot enter); returns what it printed. */
function runAsNobody(namespace: string): string {
  const isDeno = "Deno" in globalThis;
  const module = new URL(`../../host/netlink/netns.${isDeno ? "ts" : "js"}`, import.meta.url).href;
  const code =
    `const { inNamespace } = await import(${JSON.stringify(module)});` +
    `try { inNamespace(${JSON.stringify(namespace)}, () => 0); console.log("entered"); }` +
    `catch (error) { console.log(error.problem + ": " + error.message); }`;
  const args = isDeno ? ["eval", code] : ["--input-type=module", "-e", code];
  const denoCache = `/tmp/katanet-deno-nobody-${process.pid}`;
  try {
    const [command, ...rest] = asNobody([process.execPath, ...args]);
    const child = spawnSync(command, rest, {
      encoding: "utf8",
      env: { PATH: process.env.PATH, HOME: "/tmp", DENO_DIR: denoCache, NO_COLOR: "1" },
    });
    return `${child.stdout}${child.stderr}`;
  } finally {
    rmSync(denoCache, { recursive: true, force: true });
  }
}
