// The seed's Network as a library object, on real namespaces: opening one that exists or
// creating one, attaching and detaching its endpoints, and running code inside it.
import assert from "node:assert/strict";
import { existsSync, statSync } from "node:fs";
import { after, afterEach, describe, it } from "node:test";
import { openNetwork } from "../../host/attach/network.ts";
import { NamespaceError, assertInOriginalNamespace, currentNamespaceId } from "../../host/netlink/netns.ts";
import { scan } from "../../host/scan.ts";
import { assertCleanState, createNamespace, deleteNamespaces, ip, ipBatch, namespaceTestsSkip, threadsElsewhere, uniqueNamespaceName } from "../support/netns.ts";

const skip = namespaceTestsSkip();

/** veth0 and veth1 in the namespace, each with an address (Kata skips links without one)
 * and its peer (p0, p1) in `peer`. */
function twoEndpoints(namespace: string, peer: string): void {
  ipBatch(peer, [
    `link add p0 type veth peer name veth0 netns ${namespace}`,
    `link add p1 type veth peer name veth1 netns ${namespace}`,
    "link set p0 up",
    "link set p1 up",
  ]);
  ipBatch(namespace, ["link set lo up", "addr add 10.0.0.2/24 dev veth0", "addr add 10.0.1.2/24 dev veth1", "link set veth0 up", "link set veth1 up"]);
}

const linkNames = (namespace: string): string[] =>
  (JSON.parse(ip(["-n", namespace, "-j", "link", "show"])) as { ifname: string }[]).map((link) => link.ifname).sort();

const namespaceInode = (namespace: string): string => `net:[${statSync(`/var/run/netns/${namespace}`).ino}]`;

describe("openNetwork", { skip }, () => {
  const namespaces: string[] = [];
  const fresh = (): string => {
    const name = createNamespace();
    namespaces.push(name);
    return name;
  };

  afterEach(() => assertInOriginalNamespace());
  after(() => {
    deleteNamespaces(...namespaces);
    assertCleanState();
  });

  it("on an existing namespace: addEndpoints() attaches every endpoint, removeEndpoints() detaches them and leaves the namespace", () => {
    const [namespace, peer] = [fresh(), fresh()];
    twoEndpoints(namespace, peer);
    const network = openNetwork({ netns: namespace, keepFds: false });
    assert.equal(network.id, `/var/run/netns/${namespace}`);
    assert.equal(network.created, false);
    assert.deepEqual(network.endpoints(), []);

    const attachment = network.addEndpoints();
    assert.deepEqual(attachment.endpoints.map((endpoint) => [endpoint.name, endpoint.tapName]), [["veth0", "tap0_kata"], ["veth1", "tap1_kata"]]);
    assert.deepEqual(network.endpoints().map((endpoint) => endpoint.name), ["veth0", "veth1"]);
    assert.deepEqual(linkNames(namespace), ["lo", "tap0_kata", "tap1_kata", "veth0", "veth1"]);

    const removed = network.removeEndpoints();
    assert.deepEqual(removed, { detached: ["veth0", "veth1"], namespaceDeleted: false });
    assert.deepEqual(network.endpoints(), []);
    assert.deepEqual(linkNames(namespace), ["lo", "veth0", "veth1"]);
    assert.ok(existsSync(network.id), "the namespace katanet did not create stays");
  });

  it("addEndpoints(names) attaches just those; again without hotplug reports them; with hotplug, the rest are attached", () => {
    const [namespace, peer] = [fresh(), fresh()];
    twoEndpoints(namespace, peer);
    const network = openNetwork({ netns: namespace, keepFds: false });
    const first = network.addEndpoints([{ name: "veth1" }]);
    // Kata's pair index (scan order) names the tap when it is free.
    assert.deepEqual(first.endpoints.map((endpoint) => [endpoint.name, endpoint.tapName]), [["veth1", "tap1_kata"]]);
    const again = network.addEndpoints();
    assert.equal(again.existing, true, "a cold plug while attached reports the attachment on record");
    assert.deepEqual(again.endpoints.map((endpoint) => endpoint.name), ["veth1"]);
    const rest = network.addEndpoints(undefined, { hotplug: true });
    assert.deepEqual(rest.endpoints.map((endpoint) => [endpoint.name, endpoint.tapName]), [["veth0", "tap0_kata"]]);
    network.removeEndpoints(["veth1"]);
    assert.deepEqual(network.endpoints().map((endpoint) => endpoint.name), ["veth0"]);
    assert.deepEqual(linkNames(namespace), ["lo", "tap0_kata", "veth0", "veth1"]);
    network.removeEndpoints();
  });

  it("returns the VM fds it holds with endpoints() and closes them on removeEndpoints", () => {
    const [namespace, peer] = [fresh(), fresh()];
    twoEndpoints(namespace, peer);
    const network = openNetwork({ netns: namespace });
    const { endpoints } = network.addEndpoints(["veth0"]);
    const fds = endpoints[0].vmFds!;
    assert.equal(fds.length, 1);
    assert.ok(existsSync(`/proc/self/fd/${fds[0]}`));
    assert.deepEqual(network.endpoints()[0].vmFds, fds);
    network.removeEndpoints();
    assert.ok(!existsSync(`/proc/self/fd/${fds[0]}`), "the tap's fd was closed");
  });

  it("create: true makes a new namespace, and removeEndpoints deletes it with its last endpoint", () => {
    const name = uniqueNamespaceName();
    namespaces.push(name);
    const peer = fresh();
    const network = openNetwork({ create: true, name, keepFds: false });
    assert.equal(network.id, `/var/run/netns/${name}`);
    assert.equal(network.created, true);
    assert.deepEqual(linkNames(name), ["lo"]);
    twoEndpoints(name, peer);
    network.addEndpoints();

    const first = network.removeEndpoints(["veth0"]);
    assert.deepEqual(first, { detached: ["veth0"], namespaceDeleted: false });
    assert.ok(existsSync(network.id));
    const last = network.removeEndpoints(["veth1"]);
    assert.deepEqual(last, { detached: ["veth1"], namespaceDeleted: true });
    assert.ok(!existsSync(network.id), "the namespace katanet created is gone");
    assert.ok(!ip(["netns", "list"]).includes(name));
    assert.throws(() => network.endpoints(), /was deleted with its last endpoint/);
  });

  it("create: true refuses a name that is taken, and leaves that namespace alone", () => {
    const namespace = fresh();
    ipBatch(namespace, ["link set lo up"]);
    const inode = namespaceInode(namespace);
    assert.throws(() => openNetwork({ create: true, name: namespace }), (error: unknown) => error instanceof NamespaceError && /already exists/.test(error.message));
    assert.equal(namespaceInode(namespace), inode);
  });

  it("refuses both or neither of netns and create, and a namespace that does not exist", () => {
    assert.throws(() => openNetwork({}), TypeError);
    assert.throws(() => openNetwork({ netns: "x", create: true }), TypeError);
    assert.throws(() => openNetwork({ netns: uniqueNamespaceName() }), (error: unknown) => error instanceof NamespaceError && error.problem === "not-found");
  });
});

describe("Network.run", { skip }, () => {
  let namespace: string;
  let peer: string;

  afterEach(() => {
    assertInOriginalNamespace();
    assert.deepEqual(threadsElsewhere(), []);
  });
  after(() => {
    deleteNamespaces(namespace, peer);
    assertCleanState();
  });

  it("runs fn inside the namespace: a dump there shows its links", () => {
    namespace = createNamespace();
    peer = createNamespace();
    twoEndpoints(namespace, peer);
    const network = openNetwork({ netns: namespace });
    const inside = network.run(() => ({
      id: currentNamespaceId(),
      interfaces: scan({ dumpThread: false, keepGoing: true }).endpoints.map((endpoint) => endpoint.name),
    }));
    assert.equal(inside.id, namespaceInode(namespace));
    assert.deepEqual(inside.interfaces.sort(), ["veth0", "veth1"]);
    assert.notEqual(currentNamespaceId(), inside.id);
  });

  it("is back outside after fn throws, with fn's error", () => {
    const network = openNetwork({ netns: namespace });
    let wasInside = "";
    assert.throws(
      () =>
        network.run(() => {
          wasInside = currentNamespaceId();
          throw new Error("fn failed");
        }),
      /fn failed/,
    );
    assert.equal(wasInside, namespaceInode(namespace));
  });

  it("is back outside even when fn entered yet another namespace", () => {
    const network = openNetwork({ netns: namespace });
    const other = openNetwork({ netns: peer });
    const seen = network.run(() => other.run(() => currentNamespaceId()));
    assert.equal(seen, namespaceInode(peer));
  });

  it("refuses an async fn before entering", () => {
    const network = openNetwork({ netns: namespace });
    let ran = false;
    assert.throws(
      () =>
        network.run(async () => {
          ran = true;
        }),
      /synchronous function/,
    );
    assert.equal(ran, false);
  });
});
