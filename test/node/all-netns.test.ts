import assert from "node:assert/strict";
import { readdirSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { after, afterEach, describe, it } from "node:test";
import { assertInOriginalNamespace } from "../../host/netlink/netns.ts";
import { serve, type Server } from "../../host/serve/server.ts";
import { assertCleanState, deleteNamespaces, ip, ipBatch, namespaceTestsSkip, uniqueNamespaceName } from "../support/netns.ts";
import { upgradeStatus } from "../serve/client.ts";
import { kindOf, waitFor } from "../watch/envelopes.ts";
import { SETUP } from "../watch/scenario.ts";
import type { EnvelopeJson } from "../../host/watch/envelope.ts";
import { connectTo, scrape, streamPath, waitForListing, type NodeEnvelope, type StatusJson } from "./support.ts";

const skip = namespaceTestsSkip();

/** The watch tests' veth, plus an address that names its namespace (10.77.INDEX.1/24). */
const setupLines = (index: number): string[] => [...SETUP, `addr add 10.77.${index}.1/24 dev eth0`];

const addressesIn = (envelope: NodeEnvelope): string[] => [...JSON.stringify(envelope).matchAll(/10\.77\.(\d+)\./g)].map((match) => match[1]);

describe("serve --all-netns", { skip }, () => {
  const servers: Server[] = [];
  const created: string[] = [];
  const start = async () => {
    const server = await serve({ allNetns: true, coalesceMs: 5 });
    servers.push(server);
    return server;
  };
  const createNamespaces = (count: number) => {
    const names = Array.from({ length: count }, () => uniqueNamespaceName());
    created.push(...names);
    names.forEach((name, index) => {
      ip(["netns", "add", name]);
      ipBatch(name, setupLines(index));
    });
    return names;
  };

  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
    deleteNamespaces(...created.splice(0));
    assertInOriginalNamespace();
  });
  after(() => assertCleanState());

  it("follows 20 namespaces created and deleted while serving, each client seeing only its own", async () => {
    const server = await start();
    const listing = await connectTo(server.address, "/netns");
    const threadsBefore = readdirSync("/proc/self/task").length;
    const names = createNamespaces(20);
    await waitForListing(listing.next, "all 20 streaming", names, (status) => status?.state === "STREAMING");
    const newThreads = readdirSync("/proc/self/task").length - threadsBefore;
    assert.ok(newThreads < names.length / 2, `${newThreads} threads started for ${names.length} namespaces: one each?`);

    const clients = await Promise.all(names.map((name) => connectTo(server.address, streamPath(name))));
    const seen: NodeEnvelope[][] = names.map(() => []);
    const nextOf = (index: number) => async () => {
      const envelope = await clients[index].next();
      seen[index].push(envelope);
      return envelope as EnvelopeJson;
    };
    for (const [index] of names.entries()) {
      const first = await nextOf(index)();
      assert.equal(kindOf(first), "snapshot");
    }
    names.forEach((name, index) => ipBatch(name, [`route add 10.88.0.0/16 via 10.77.${index}.254 dev eth0`]));
    for (const [index] of names.entries()) {
      await waitFor(nextOf(index), "its route", (envelope) => ("updateRoutes" in envelope ? true : undefined));
    }

    deleteNamespaces(...names);
    for (const [index, name] of names.entries()) {
      const status = await waitFor(nextOf(index), "its deletion", (envelope) =>
        "namespaceStatus" in envelope ? (envelope as { namespaceStatus: StatusJson }).namespaceStatus : undefined,
      );
      assert.deepEqual(status, { name, state: "DELETED", detail: `namespace ${name} was deleted` });
      assert.deepEqual(await clients[index].client.closed, { code: 1000, reason: `namespace ${name} was deleted` });
    }
    for (const [index, envelopes] of seen.entries()) {
      const foreign = envelopes.flatMap(addressesIn).filter((third) => third !== String(index));
      assert.deepEqual(foreign, [], `client ${index} saw another namespace's addresses`);
    }
    await waitForListing(listing.next, "all 20 gone", names, (status) => status === undefined);
    assert.equal(await upgradeStatus(`${server.address}${streamPath(names[0])}`, { protocol: "katanet.json.v1" }), 404);
  });

  it("ends a namespace's stream cleanly when it is removed mid-stream, and keeps the others", async () => {
    const server = await start();
    const [doomed, kept] = createNamespaces(2);
    const listing = await connectTo(server.address, "/netns");
    await waitForListing(listing.next, "both streaming", [doomed, kept], (status) => status?.state === "STREAMING");
    const doomedClient = await connectTo(server.address, streamPath(doomed));
    const keptClient = await connectTo(server.address, streamPath(kept));
    assert.equal(kindOf((await doomedClient.next()) as EnvelopeJson), "snapshot");
    assert.equal(kindOf((await keptClient.next()) as EnvelopeJson), "snapshot");

    ipBatch(doomed, ["route add 10.89.0.0/16 via 10.77.0.254 dev eth0"]);
    ip(["netns", "del", doomed]);
    const kinds: string[] = [];
    await waitFor(doomedClient.next as () => Promise<EnvelopeJson>, "the end of the stream", (envelope) => {
      kinds.push(kindOf(envelope));
      return "namespaceStatus" in envelope ? true : undefined;
    });
    assert.equal((await doomedClient.client.closed).code, 1000);
    assert.ok(kinds.every((kind) => kind === "updateRoutes" || kind === "namespaceStatus"), kinds.join(","));

    ipBatch(kept, ["route add 10.90.0.0/16 via 10.77.1.254 dev eth0"]);
    await waitFor(keptClient.next as () => Promise<EnvelopeJson>, "the kept namespace's route", (envelope) => ("updateRoutes" in envelope ? true : undefined));
  });

  it("reports a file that is not a namespace and retries it until it becomes one, the others unharmed", async () => {
    const server = await start();
    const name = uniqueNamespaceName();
    created.push(name);
    writeFileSync(`/run/netns/${name}`, "");
    const [other] = createNamespaces(1);
    const listing = await connectTo(server.address, "/netns");
    await waitForListing(listing.next, "the plain file failed, the other streaming", [name, other], (status, which) =>
      which === name ? status?.state === "FAILED" && /is not a network namespace file/.test(status.detail ?? "") : status?.state === "STREAMING",
    );
    const client = await connectTo(server.address, streamPath(name));
    const first = await client.next();
    assert.equal((first as { namespaceStatus: StatusJson }).namespaceStatus.state, "FAILED");

    // A namespace bind-mounted over the file, as `ip netns add` would have done.
    execFileSync("unshare", ["--net", "mount", "--bind", "/proc/self/ns/net", `/run/netns/${name}`]);
    await waitFor(client.next as () => Promise<EnvelopeJson>, "a snapshot once it is a namespace", (envelope) => ("snapshot" in envelope ? true : undefined));
  });

  it("follows namespaces given by name, from before they exist until after they are deleted", async () => {
    const [early] = createNamespaces(1);
    const late = uniqueNamespaceName();
    created.push(late);
    const byPath = `/run/netns/${early}`;
    const server = await serve({ namespaces: [early, late, byPath], coalesceMs: 5 });
    servers.push(server);
    const listing = await connectTo(server.address, "/netns");
    await waitForListing(listing.next, "two streaming, one missing", [early, late, byPath], (status, which) =>
      which === late ? status?.state === "FAILED" && status.detail === `no network namespace named "${late}" (looked for /var/run/netns/${late})` : status?.state === "STREAMING",
    );
    const pathClient = await connectTo(server.address, streamPath(byPath));
    assert.equal(kindOf((await pathClient.next()) as EnvelopeJson), "snapshot", "a PATH is served at its percent-encoded self");
    ip(["netns", "add", late]);
    await waitForListing(listing.next, "both streaming", [early, late], (status) => status?.state === "STREAMING");
    ip(["netns", "del", late]);
    await waitForListing(listing.next, "the late one deleted, still listed", [early, late], (status, which) =>
      which === early ? status?.state === "STREAMING" : status?.state === "DELETED",
    );
  });

  it("refuses paths that name no stream with 404", async () => {
    const server = await start();
    assert.equal(await upgradeStatus(`${server.address}/`, { protocol: "katanet.json.v1" }), 404);
    assert.equal(await upgradeStatus(`${server.address}${streamPath(uniqueNamespaceName())}`, { protocol: "katanet.json.v1" }), 404);
  });

  it("moves its metrics as events happen (scraped over HTTP)", async () => {
    const server = await start();
    const [name] = createNamespaces(1);
    const listing = await connectTo(server.address, "/netns");
    await waitForListing(listing.next, "streaming", [name], (status) => status?.state === "STREAMING");
    const client = await connectTo(server.address, streamPath(name));
    await client.next();
    const before = await scrape(server.address);
    assert.ok(before.get("katanet_namespaces_watched")! >= 1);
    assert.equal(before.get("katanet_clients"), 2);
    assert.ok(before.has("process_resident_memory_bytes"), "the default process metrics are there");

    ipBatch(name, ["route add 10.91.0.0/16 via 10.77.0.254 dev eth0"]);
    await waitFor(client.next as () => Promise<EnvelopeJson>, "the route", (envelope) => ("updateRoutes" in envelope ? true : undefined));
    const afterwards = await scrape(server.address);
    const moved = (key: string) => (afterwards.get(key) ?? 0) - (before.get(key) ?? 0);
    assert.ok(moved("katanet_events_received_total") >= 1);
    assert.ok(moved("katanet_scans_total") >= 1);
    assert.ok(moved("katanet_scan_duration_seconds_count") >= 1);
    assert.ok(moved('katanet_messages_sent_total{type="updateRoutes"}') >= 1);

    client.client.socket.send("not json");
    assert.equal((await client.client.closed).code, 1007);
    const clientErrors = 'katanet_errors_total{category="client"}';
    assert.equal((await scrape(server.address)).get(clientErrors), (before.get(clientErrors) ?? 0) + 1);
  });
});
