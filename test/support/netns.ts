// Throwaway network namespaces for tests: unique names per process (test files run in
// parallel processes), replay of a live fixture's setupOrder, guaranteed deletion, and
// checks that nothing is left behind.

import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readlinkSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { dumpNamespace } from "../../host/netlink/dump.ts";
import { netlinkMessages } from "../../host/netlink/messages.ts";
import { assertInOriginalNamespace, inNamespace } from "../../host/netlink/netns.ts";
import { GrowableSink } from "../../host/netlink/sink.ts";
import { NetlinkSocket } from "../../host/netlink/socket.ts";
import type { LiveFixture } from "./fixtures.ts";
import { randomBytes } from "node:crypto";

/**
 * Every namespace a test process creates starts with this, so leftovers can be found. The
 * random part keeps two machines' worth of processes (other PID namespaces sharing
 * /var/run/netns) from taking each other's names when their pids coincide.
 */
export const NAMESPACE_PREFIX = `katanet-t-${process.pid}-${randomBytes(2).toString("hex")}-`;
const NAMED_NAMESPACES = "/var/run/netns";

let created = 0;

export function uniqueNamespaceName(): string {
  created += 1;
  return `${NAMESPACE_PREFIX}${created}`;
}

/** Why namespace tests cannot run here, or undefined when they can. */
export function namespaceTestsUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return "creating network namespaces needs root";
  try {
    execFileSync("ip", ["-V"], { stdio: "ignore" });
  } catch {
    return "the `ip` binary (iproute2) is not installed";
  }
  return undefined;
}

/** The `skip` option for namespace tests: the reason (also printed, since not every
 * runner shows skip reasons), or false when they can run. */
export function namespaceTestsSkip(): string | false {
  const reason = namespaceTestsUnavailable();
  if (reason === undefined) return false;
  console.warn(`skipping network namespace tests: ${reason}`);
  return reason;
}

/** Runs `ip` with `args`, feeding `input` on stdin; throws with ip's own error text. */
export function ip(args: string[], input?: string): string {
  try {
    return execFileSync("ip", args, { input, encoding: "utf8", stdio: ["pipe", "pipe", "pipe"] });
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? "").trim();
    throw new Error(`ip ${args.join(" ")} failed: ${stderr || String(error)}`);
  }
}

/** Creates a uniquely named namespace; pair it with `deleteNamespaces` in a finally/after. */
/**
 * `ip -batch` lines for a veth pair (veth0, veth1) with fixed MACs, up, and without IPv6
 * link-local addresses: nothing appears later by itself, so two dumps return the same
 * messages. Tests add addresses, routes and neighbours on veth0.
 */
export const QUIET_VETH_PAIR = [
  "link set lo up",
  "link add veth0 address 02:00:00:00:00:01 type veth peer name veth1 address 02:00:00:00:00:02",
  "link set veth0 addrgenmode none",
  "link set veth1 addrgenmode none",
  "link set veth0 up",
  "link set veth1 up",
];

export function createNamespace(): string {
  const name = uniqueNamespaceName();
  ip(["netns", "add", name]);
  return name;
}

/** Feeds `lines` to `ip -n namespace -batch -`. */
export function ipBatch(namespace: string, lines: string[]): void {
  if (lines.length > 0) ip(["-n", namespace, "-batch", "-"], `${lines.join("\n")}\n`);
}

/** Deletes every namespace that exists among `names`, then reports all failures at once. */
export function deleteNamespaces(...names: string[]): void {
  const failures: string[] = [];
  for (const name of names) {
    if (!existsSync(`${NAMED_NAMESPACES}/${name}`)) continue;
    try {
      ip(["netns", "del", name]);
    } catch (error) {
      failures.push(String(error));
    }
  }
  if (failures.length > 0) throw new Error(`namespace cleanup failed: ${failures.join("; ")}`);
}

export interface FixtureNamespaces {
  namespace: string;
  peer: string;
  /** Deletes both namespaces; safe to call more than once. */
  delete(): void;
}

/**
 * Builds a live fixture's namespace exactly as its `setupOrder` says: add NS and PEER,
 * sysctls in each, `peerSetup` ($NS substituted) in PEER, then `setup` ($PEER
 * substituted) in NS. On failure both namespaces are deleted before the error is thrown.
 */
export function buildFixtureNamespaces(fixture: LiveFixture): FixtureNamespaces {
  try {
    return namespacePair((namespace, peer) => {
      applySysctls(namespace, fixture.sysctls ?? []);
      applySysctls(peer, fixture.peerSysctls ?? []);
      ipBatch(peer, fixture.peerSetup.map((line) => line.replaceAll("$NS", namespace)));
      ipBatchWaitingForAddresses(namespace, fixture.setup.map((line) => line.replaceAll("$PEER", peer)));
    });
  } catch (error) {
    throw new Error(`building fixture ${fixture.name} failed: ${String(error)}`);
  }
}

/** A namespace and its peer (NAME-p), built by `build`; both are deleted if it fails. */
export function namespacePair(build: (namespace: string, peer: string) => void): FixtureNamespaces {
  const namespace = uniqueNamespaceName();
  const peer = `${namespace}-p`;
  const remove = () => deleteNamespaces(namespace, peer);
  try {
    ip(["netns", "add", namespace]);
    ip(["netns", "add", peer]);
    build(namespace, peer);
  } catch (error) {
    remove();
    throw error;
  }
  return { namespace, peer, delete: remove };
}

const SOURCE_NOT_READY = "Invalid source address";
const SOURCE_WAIT_MS = 5000;

/**
 * `ipBatch`, except that a route whose source address the kernel does not accept yet is
 * retried: an IPv6 address added while its link was down stays tentative until the
 * kernel's DAD work runs after `link set up`, even with DAD off, so a setup's next line
 * (`route add ... src` that address) can race it. The lines run in their order, once each.
 */
function ipBatchWaitingForAddresses(namespace: string, lines: string[]): void {
  const deadline = Date.now() + SOURCE_WAIT_MS;
  let next = 0;
  for (;;) {
    try {
      ipBatch(namespace, lines.slice(next));
      return;
    } catch (error) {
      const failedLine = /Command failed -:(\d+)/.exec(String(error));
      if (!failedLine || !String(error).includes(SOURCE_NOT_READY) || Date.now() > deadline) throw error;
      next += Number(failedLine[1]) - 1; // the lines before it were applied
      sleepSync(50);
    }
  }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function applySysctls(namespace: string, settings: string[]): void {
  for (const setting of settings) ip(["netns", "exec", namespace, "sysctl", "-q", "-w", setting]);
}

/** The namespace's four dumps (links, addresses, routes, neighbours) as one byte stream. */
export function dumpNamespaceBytes(namespace: string): Uint8Array {
  const socket = inNamespace(namespace, () => NetlinkSocket.open());
  try {
    const sink = new GrowableSink();
    dumpNamespace(socket, sink);
    return sink.bytes().slice();
  } finally {
    socket.close();
  }
}

/** How many messages of each netlink type a namespace dump holds. */
export function messageCounts(stream: Uint8Array): Map<number, number> {
  const counts = new Map<number, number>();
  for (const { type } of netlinkMessages(stream)) counts.set(type, (counts.get(type) ?? 0) + 1);
  return counts;
}

/**
 * Waits until the namespace's message counts stop changing for `stableMs`: the kernel
 * keeps adding entries for a moment after setup (IPv6 link-local addresses and routes,
 * MLD neighbour entries). Gives up quietly after `timeoutMs`; callers assert what matters.
 */
export async function waitForSettledNamespace(namespace: string, stableMs = 600, timeoutMs = 5000): Promise<void> {
  const fingerprint = () => [...messageCounts(dumpNamespaceBytes(namespace))].join(";");
  const deadline = Date.now() + timeoutMs;
  let last = fingerprint();
  let stableSince = Date.now();
  while (Date.now() < deadline && Date.now() - stableSince < stableMs) {
    await sleep(100);
    const now = fingerprint();
    if (now !== last) {
      last = now;
      stableSince = Date.now();
    }
  }
}

/** Namespaces this process created and has not deleted. */
export function leftoverNamespaces(): string[] {
  const listing = ip(["netns", "list"]);
  return listing
    .split("\n")
    .map((line) => line.split(" ")[0])
    .filter((name) => name.startsWith(NAMESPACE_PREFIX));
}

/** Threads whose network namespace differs from the calling thread's, as "tid: net:[inode]".
 * setns() moves one thread; libuv's pool and V8's helpers must never be among the moved. */
export function threadsElsewhere(): string[] {
  const home = readlinkSync("/proc/thread-self/ns/net");
  const strays: string[] = [];
  for (const tid of readdirSync("/proc/self/task")) {
    let namespace: string;
    try {
      namespace = readlinkSync(`/proc/self/task/${tid}/ns/net`);
    } catch {
      continue; // the thread exited while we looked
    }
    if (namespace !== home) strays.push(`${tid}: ${namespace}`);
  }
  return strays;
}

/** For after/afterEach: every thread of the process is back home (the calling one in the
 * namespace it started in, the others with it), and no namespace of ours is left. */
export function assertCleanState(): void {
  assertInOriginalNamespace();
  const strays = threadsElsewhere();
  if (strays.length > 0) throw new Error(`threads outside the original network namespace: ${strays.join(", ")}`);
  const leftovers = leftoverNamespaces();
  if (leftovers.length > 0) throw new Error(`namespaces left behind: ${leftovers.join(", ")}`);
}
