// Explanations on the serve stream, the page's files, and what a browser needs to connect:
// a token as a subprotocol entry and its own origin admitted (but not a rebound name).
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, afterEach, before, describe, it } from "node:test";
import WebSocket from "ws";
import { serve, type Server } from "../../host/serve/server.ts";
import type { EnvelopeJson } from "../../host/watch/envelope.ts";
import { assertCleanState, createNamespace, deleteNamespaces, ipBatch, namespaceTestsSkip, QUIET_VETH_PAIR } from "../support/netns.ts";
import { connect, upgradeStatus } from "../serve/client.ts";
import { kindOf, waitFor } from "../watch/envelopes.ts";

const EXPLAIN_REQUEST_BINARY = new Uint8Array([0x12, 0x00]); // ClientRequest { explain: {} }
const TOKEN = "page-token";
const httpOf = (server: Server) => server.address.replace(/^ws:/, "http:");
const portOf = (server: Server) => new URL(httpOf(server)).port;

type Explained = { items: { object: string; rule: string; mark: string }[] };
const explanationOf = (envelope: EnvelopeJson): Explained | undefined => ("explanation" in envelope ? (envelope.explanation as Explained) : undefined);

describe("explanations on the stream, and the page's way in", { skip: namespaceTestsSkip() }, () => {
  let namespace = "";
  const servers: Server[] = [];
  const directory = mkdtempSync(join(tmpdir(), "katanet-stream-"));
  const tokenFile = join(directory, "token");
  const start = async (options: Parameters<typeof serve>[0] = {}) => {
    const server = await serve({ netns: namespace, ...options });
    servers.push(server);
    return server;
  };

  before(() => {
    namespace = createNamespace();
    ipBatch(namespace, [...QUIET_VETH_PAIR, "addr add 10.1.0.2/24 dev veth0"]);
    writeFileSync(tokenFile, `${TOKEN}\n`, { mode: 0o600 });
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });
  after(() => {
    rmSync(directory, { recursive: true, force: true });
    deleteNamespaces(namespace);
    assertCleanState();
  });

  it("a client that asks gets a snapshot and an explanation, then one whenever it changes; others get none", async () => {
    const server = await start();
    const explaining = await connect(server.address);
    const plain = await connect(server.address, { protocol: "katanet.json.v1" });
    assert.equal(kindOf(await plain.next()), "snapshot");
    explaining.socket.send(EXPLAIN_REQUEST_BINARY);
    await waitFor(explaining.next, "the snapshot on connect", (envelope) => (kindOf(envelope) === "snapshot" ? true : undefined));
    await waitFor(explaining.next, "the snapshot answering the request", (envelope) => (kindOf(envelope) === "snapshot" ? true : undefined));
    const first = explanationOf(await explaining.next());
    assert.ok(first?.items.some((item) => item.object === "address 10.1.0.2/24 dev veth0" && item.mark === "sent"));

    // a route in another table changes no agent request: only the explanation says it
    ipBatch(namespace, ["route add 10.8.0.0/16 via 10.1.0.1 dev veth0 table 100"]);
    const next = await waitFor(explaining.next, "an explanation with the table-100 route", explanationOf);
    const item = next.items.find((entry) => entry.object === "route 10.8.0.0/16 via 10.1.0.1 dev veth0");
    assert.equal(item?.rule, "route.not-main-table");

    ipBatch(namespace, ["route add 10.9.0.0/16 via 10.1.0.1 dev veth0"]);
    assert.equal(kindOf(await plain.next()), "updateRoutes", "the plain client's next envelope is the change, no explanation before it");
    explaining.socket.close();
    plain.socket.close();
  });

  it("GET / is the page, with its files and config; other paths say the stream is WebSocket", async () => {
    const server = await start();
    const page = await fetch(`${httpOf(server)}/`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get("content-type") ?? "", /^text\/html/);
    assert.match(page.headers.get("content-security-policy") ?? "", /default-src 'self'/);
    assert.match(await page.text(), /<script type="module" src="page.js"><\/script>/);
    assert.equal((await fetch(`${httpOf(server)}/page.js`)).status, 200);
    assert.deepEqual(await (await fetch(`${httpOf(server)}/page-config.json`)).json(), { tokenRequired: false });
    const other = await fetch(`${httpOf(server)}/etc/passwd`);
    assert.equal(other.status, 426);
    await other.text();
  });

  it("the page's own origin is admitted by address, not by a name that could be rebound", async () => {
    const server = await start();
    const port = portOf(server);
    assert.equal(await upgradeStatus(server.address, { origin: `http://127.0.0.1:${port}` }), 101);
    const rebound = { origin: `http://rebound.example:${port}`, headers: { Host: `rebound.example:${port}` } };
    assert.equal(await upgradeStatus(server.address, rebound), 403);
    const withToken = await start({ tokenFile });
    const tokenPort = portOf(withToken);
    const named = { origin: `http://rebound.example:${tokenPort}`, headers: { Host: `rebound.example:${tokenPort}`, Authorization: `Bearer ${TOKEN}` } };
    assert.equal(await upgradeStatus(withToken.address, named), 101, "with a token, a name is fine: the token is the check");
  });

  it("a token as a base64url.bearer subprotocol entry is accepted, a wrong one refused, and katanet's subprotocol is the one chosen", async () => {
    const server = await start({ tokenFile });
    const entry = (token: string) => `base64url.bearer.${Buffer.from(token).toString("base64url")}`;
    const open = (token: string) =>
      new Promise<{ status: number; protocol: string }>((resolve) => {
        const socket = new WebSocket(server.address, [entry(token), "katanet.json.v1"]);
        socket.on("error", () => {}); // the refused one: its status is what counts
        socket.once("open", () => {
          resolve({ status: 101, protocol: socket.protocol });
          socket.close();
        });
        socket.once("unexpected-response", (_request, response) => {
          resolve({ status: response.statusCode ?? 0, protocol: "" });
          socket.terminate();
        });
      });
    assert.deepEqual(await open(TOKEN), { status: 101, protocol: "katanet.json.v1" });
    assert.deepEqual(await open("wrong"), { status: 401, protocol: "" });
  });
});
