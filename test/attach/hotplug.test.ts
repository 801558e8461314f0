// Hot-plug on real namespaces: a veth moved into a followed namespace gets its tap, and
// loses it when deleted; stopping leaves the attachments, detach-on-exit removes them.
// Once through the library (EndpointFollower), once through `katanet attach --follow` as
// a user runs it, with its JSON lines.
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { after, afterEach, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { attachedEndpoints, detach } from "../../host/attach/index.ts";
import { EndpointFollower, type HotplugEvent } from "../../host/attach/hotplug.ts";
import { assertInOriginalNamespace } from "../../host/netlink/netns.ts";
import { packageFile } from "../../host/paths.ts";
import { stopChild, type Exit } from "../support/processes.ts";
import { assertCleanState, createNamespace, deleteNamespaces, ip, ipBatch, namespaceTestsSkip } from "../support/netns.ts";

const CLI = packageFile("dist", "host", "cli.js");
const PATIENCE_MS = 15_000;

const linkNames = (namespace: string): string[] =>
  (JSON.parse(ip(["-n", namespace, "-j", "link", "show"])) as { ifname: string }[]).map((link) => link.ifname).sort();

/** A namespace with veth0 up and addressed (Kata skips links without an address), its peer
 * p0 in a second namespace. */
function followedNamespace(): { namespace: string; peer: string } {
  const namespace = createNamespace();
  const peer = createNamespace();
  ipBatch(peer, [`link add p0 type veth peer name veth0 netns ${namespace}`, "link set p0 up"]);
  ipBatch(namespace, ["link set lo up", "addr add 10.0.0.2/24 dev veth0", "link set veth0 up"]);
  return { namespace, peer };
}

/** A veth created in the peer namespace and moved into the followed one, as a CNI plugin does. */
function moveVethIn(peer: string, namespace: string, name: string, peerName: string, address: string): void {
  ipBatch(peer, [`link add ${peerName} type veth peer name ${name}`, `link set ${peerName} up`, `link set ${name} netns ${namespace}`]);
  ipBatch(namespace, [`addr add ${address} dev ${name}`, `link set ${name} up`]);
}

/** Waits until `events` holds one matching `accept`; fails naming what came instead. */
async function eventFor<T extends object>(events: () => T[], what: string, accept: (event: T) => boolean): Promise<T> {
  const deadline = Date.now() + PATIENCE_MS;
  for (;;) {
    const found = events().find(accept);
    if (found) return found;
    if (Date.now() > deadline) assert.fail(`no ${what} within ${PATIENCE_MS} ms; saw: ${JSON.stringify(events())}`);
    await sleep(20);
  }
}

const created: string[] = [];
after(() => {
  deleteNamespaces(...created);
  assertCleanState();
});

describe("EndpointFollower", { skip: namespaceTestsSkip() }, () => {
  afterEach(() => assertInOriginalNamespace());

  it("attaches what is there, then a veth moved in, and cleans up one deleted; stop() leaves the taps", async () => {
    const { namespace, peer } = followedNamespace();
    created.push(namespace, peer);
    const events: HotplugEvent[] = [];
    const follower = new EndpointFollower({ netns: namespace, onEvent: (event) => events.push(event) });
    try {
      assert.deepEqual(
        events.map((event) => [event.event, event.name, "tapName" in event ? event.tapName : null]),
        [["attached", "veth0", "tap0_kata"]],
      );

      moveVethIn(peer, namespace, "eth1", "p1", "10.0.1.2/24");
      const attached = await eventFor(() => events, "attached eth1", (event) => event.event === "attached" && event.name === "eth1");
      assert.deepEqual(
        { ...attached, tapIndex: 0, guestMac: "" },
        {
          event: "attached",
          netns: namespace,
          existing: false,
          name: "eth1",
          type: "virtual",
          model: "tcfilter",
          index: 1,
          tapName: "tap1_kata",
          tapIndex: 0,
          devicePath: null,
          guestMac: "",
          mtu: 1500,
          queues: 0,
        },
      );
      assert.deepEqual(linkNames(namespace), ["eth1", "lo", "tap0_kata", "tap1_kata", "veth0"]);

      ip(["-n", namespace, "link", "del", "eth1"]);
      const detached = await eventFor(() => events, "detached eth1", (event) => event.event === "detached");
      assert.deepEqual(detached, { event: "detached", netns: namespace, name: "eth1", index: 1, tapName: "tap1_kata" });
      assert.deepEqual(linkNames(namespace), ["lo", "tap0_kata", "veth0"]);
      assert.deepEqual(attachedEndpoints(namespace).map((endpoint) => endpoint.name), ["veth0"], "the state file forgot eth1");
    } finally {
      follower.stop();
    }
    assert.deepEqual(linkNames(namespace), ["lo", "tap0_kata", "veth0"], "stop() leaves the attachment");
    assert.equal(events.length, 3);

    const later: HotplugEvent[] = [];
    new EndpointFollower({ netns: namespace, onEvent: (event) => later.push(event) }).stop();
    assert.deepEqual(later.map((event) => [event.event, event.name, "existing" in event && event.existing]), [["attached", "veth0", true]]);
    detach({ netns: namespace });
  });

  it("macvtap: an endpoint whose addresses moved to its macvtap stays attached", async () => {
    const { namespace, peer } = followedNamespace();
    created.push(namespace, peer);
    const events: HotplugEvent[] = [];
    const follower = new EndpointFollower({ netns: namespace, model: "macvtap", onEvent: (event) => events.push(event) });
    try {
      moveVethIn(peer, namespace, "eth1", "p1", "10.0.1.2/24");
      const eth1 = await eventFor(() => events, "attached eth1", (event) => event.event === "attached" && event.name === "eth1");
      assert.equal("devicePath" in eth1 && eth1.model, "macvtap");
      assert.match("devicePath" in eth1 ? String(eth1.devicePath) : "", /^\/dev\/tap\d+$/);
      // eth1 now has no address, so the scan no longer lists it as an endpoint; the next
      // reconciliation (eth2 arriving) must still leave it attached.
      moveVethIn(peer, namespace, "eth2", "p2", "10.0.2.2/24");
      await eventFor(() => events, "attached eth2", (event) => event.event === "attached" && event.name === "eth2");
    } finally {
      follower.stop();
    }
    assert.deepEqual(events.map((event) => [event.event, event.name]), [["attached", "veth0"], ["attached", "eth1"], ["attached", "eth2"]]);
    detach({ netns: namespace });
    assert.match(ip(["-n", namespace, "addr", "show", "eth1"]), /inet 10\.0\.1\.2\/24/);
  });

  it("stop({ detach: true }) removes every attachment, with its events", async () => {
    const { namespace, peer } = followedNamespace();
    created.push(namespace, peer);
    const events: HotplugEvent[] = [];
    const follower = new EndpointFollower({ netns: namespace, onEvent: (event) => events.push(event) });
    follower.stop({ detach: true });
    assert.deepEqual(linkNames(namespace), ["lo", "veth0"]);
    assert.deepEqual(events.map((event) => [event.event, event.name]), [["attached", "veth0"], ["detached", "veth0"]]);
  });
});

interface Follow {
  child: ChildProcess;
  lines(): HotplugEvent[];
  stderr(): string;
  exited: Promise<Exit>;
}

function startFollow(namespace: string, ...flags: string[]): Follow {
  const child = spawn(process.execPath, [CLI, "attach", "--follow", "--netns", namespace, ...flags], { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout!.setEncoding("utf8").on("data", (text: string) => (stdout += text));
  child.stderr!.setEncoding("utf8").on("data", (text: string) => (stderr += text));
  const exited = once(child, "exit").then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }));
  const lines = () => stdout.split("\n").filter((line) => line.endsWith("}")).map((line) => JSON.parse(line) as HotplugEvent);
  return { child, lines, stderr: () => stderr, exited };
}

describe("katanet attach --follow", { skip: namespaceTestsSkip() }, () => {
  it("prints one JSON line per change; SIGTERM stops it and leaves the attachments", async () => {
    const { namespace, peer } = followedNamespace();
    created.push(namespace, peer);
    const follow = startFollow(namespace);
    try {
      await eventFor(follow.lines, "attached veth0", (event) => event.event === "attached" && event.name === "veth0");
      moveVethIn(peer, namespace, "eth1", "p1", "10.0.1.2/24");
      await eventFor(follow.lines, "attached eth1", (event) => event.event === "attached" && event.name === "eth1");
      ip(["-n", namespace, "link", "del", "eth1"]);
      await eventFor(follow.lines, "detached eth1", (event) => event.event === "detached");
    } finally {
      const exit = await stopChild(follow.child, follow.exited, "SIGTERM");
      assert.deepEqual(exit, { code: 0, signal: null }, follow.stderr());
    }
    assert.deepEqual(
      follow.lines().map((event) => [event.event, event.name, "tapName" in event ? event.tapName : null]),
      [
        ["attached", "veth0", "tap0_kata"],
        ["attached", "eth1", "tap1_kata"],
        ["detached", "eth1", "tap1_kata"],
      ],
    );
    assert.equal(follow.stderr(), "");
    assert.deepEqual(linkNames(namespace), ["lo", "tap0_kata", "veth0"]);
    detach({ netns: namespace });
  });

  it("--detach-on-exit removes the attachments on SIGINT, and says so", async () => {
    const { namespace, peer } = followedNamespace();
    created.push(namespace, peer);
    const follow = startFollow(namespace, "--detach-on-exit");
    let exit;
    try {
      await eventFor(follow.lines, "attached veth0", (event) => event.event === "attached" && event.name === "veth0");
      moveVethIn(peer, namespace, "eth1", "p1", "10.0.1.2/24");
      await eventFor(follow.lines, "attached eth1", (event) => event.event === "attached" && event.name === "eth1");
    } finally {
      exit = await stopChild(follow.child, follow.exited, "SIGINT");
    }
    assert.deepEqual(exit, { code: 0, signal: null }, follow.stderr());
    assert.deepEqual(linkNames(namespace), ["eth1", "lo", "veth0"]);
    assert.deepEqual(
      follow.lines().filter((event) => event.event === "detached").map((event) => event.name).sort(),
      ["eth1", "veth0"],
    );
  });
});
