// A namespace given to the node agent as a PATH (a bind mount outside /run/netns) or a
// PID ends its stream as a deleted /run/netns name does: its file unmounted and removed,
// or its process gone. The agent's own sockets keep the namespace itself alive, so only
// the file's directory and the process's pidfd can tell.

import assert from "node:assert/strict";
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { afterEach, describe, it } from "node:test";
import { assertInOriginalNamespace } from "../../host/netlink/netns.ts";
import { serve, type Server } from "../../host/serve/server.ts";
import { assertCleanState, namespaceTestsSkip, uniqueNamespaceName } from "../support/netns.ts";
import { kindOf, waitFor } from "../watch/envelopes.ts";
import type { EnvelopeJson } from "../../host/watch/envelope.ts";
import { NamespaceGoneError } from "../../host/watch/namespace-presence.ts";
import { connectTo, streamPath, type StatusJson } from "./support.ts";

const skip = namespaceTestsSkip();

/** Waits for the stream's namespaceStatus, then for its close. */
async function streamEnd(client: Awaited<ReturnType<typeof connectTo>>): Promise<{ status: StatusJson; closed: { code: number; reason: string } }> {
  const status = await waitFor(client.next as () => Promise<EnvelopeJson>, "the stream's end", (envelope) =>
    "namespaceStatus" in envelope ? (envelope as { namespaceStatus: StatusJson }).namespaceStatus : undefined,
  );
  return { status, closed: await client.client.closed };
}

/** Resolves once process `pid` is in a network namespace other than this process's. */
async function inOwnNamespace(pid: number): Promise<void> {
  const own = readlinkSync("/proc/self/ns/net");
  while (readlinkSync(`/proc/${pid}/ns/net`) === own) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe("serve --netns PATH and --netns PID: deletion", { skip }, () => {
  const servers: Server[] = [];
  const cleanups: Array<() => void> = [];

  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
    for (const cleanup of cleanups.splice(0)) cleanup();
    assertInOriginalNamespace();
    assertCleanState();
  });

  it("ends a bind-mounted namespace file's stream when it is unmounted and removed", async () => {
    const directory = `${tmpdir()}/${uniqueNamespaceName()}`;
    const file = `${directory}/net`;
    mkdirSync(directory);
    cleanups.push(() => {
      try {
        execFileSync("umount", [file], { stdio: "ignore" });
      } catch {
        // unmounted by the test already
      }
      rmSync(directory, { recursive: true, force: true });
    });
    writeFileSync(file, "");
    execFileSync("unshare", ["--net", "mount", "--bind", "/proc/self/ns/net", file]);
    const server = await serve({ namespaces: [file], coalesceMs: 5 });
    servers.push(server);
    const client = await connectTo(server.address, streamPath(file));
    await waitFor(client.next as () => Promise<EnvelopeJson>, "its snapshot", (envelope) => (kindOf(envelope) === "snapshot" ? true : undefined));

    execFileSync("umount", [file]);
    rmSync(file);
    const { status, closed } = await streamEnd(client);
    assert.deepEqual(status, { name: file, state: "DELETED", detail: `namespace ${file} was deleted` });
    assert.deepEqual(closed, { code: 1000, reason: `namespace ${file} was deleted` });
  });

  it("ends a process's namespace's stream when the process is killed", async () => {
    const child: ChildProcess = spawn("unshare", ["--net", "sleep", "100"], { stdio: "ignore" });
    cleanups.push(() => child.kill("SIGKILL"));
    const pid = String(child.pid);
    await inOwnNamespace(child.pid!);
    const server = await serve({ namespaces: [pid], coalesceMs: 5 });
    servers.push(server);
    const client = await connectTo(server.address, streamPath(pid));
    await waitFor(client.next as () => Promise<EnvelopeJson>, "its snapshot", (envelope) => (kindOf(envelope) === "snapshot" ? true : undefined));

    child.kill("SIGKILL");
    const { status, closed } = await streamEnd(client);
    const message = `namespace ${pid} was deleted (process ${pid} exited)`;
    assert.deepEqual(status, { name: pid, state: "DELETED", detail: message });
    assert.deepEqual(closed, { code: 1000, reason: message });
  });

  it("stops a single-namespace serve of a PID when the process exits, with a NamespaceGoneError", async () => {
    const child: ChildProcess = spawn("unshare", ["--net", "sleep", "100"], { stdio: "ignore" });
    cleanups.push(() => child.kill("SIGKILL"));
    const pid = String(child.pid);
    await inOwnNamespace(child.pid!);
    let failure: Error | undefined;
    const server = await serve({ netns: pid, onError: (error) => (failure = error) });
    servers.push(server);
    const client = await connectTo(server.address, "/");
    await client.next();

    child.kill("SIGKILL");
    assert.deepEqual(await client.client.closed, { code: 1011, reason: `watch failed: network namespace ${pid} no longer exists (process ${pid} exited)` });
    assert.ok(failure instanceof NamespaceGoneError && failure.how === "exited");
  });
});
