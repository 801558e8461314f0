import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { serve } from "../../host/serve/server.ts";
import { assertCleanState, createNamespace, deleteNamespaces, ipBatch, namespaceTestsSkip } from "../support/netns.ts";
import { SETUP } from "../watch/scenario.ts";
import { scrape } from "./support.ts";

const skip = namespaceTestsSkip();

describe("serve's plain HTTP routes", { skip }, () => {
  const directory = mkdtempSync(join(tmpdir(), "katanet-routes-"));
  after(() => {
    rmSync(directory, { recursive: true, force: true });
    assertCleanState();
  });

  it("serves /metrics on a single-namespace server, behind its token when it has one", async () => {
    const namespace = createNamespace();
    const tokenFile = join(directory, "token");
    writeFileSync(tokenFile, "s3cret\n", { mode: 0o600 });
    const server = await serve({ netns: namespace, tokenFile });
    try {
      ipBatch(namespace, SETUP);
      const http = server.address.replace(/^ws:/, "http:");
      const refused = await fetch(`${http}/metrics`);
      assert.equal(refused.status, 401);
      assert.equal(await refused.text(), "missing or wrong token: send Authorization: Bearer TOKEN\n");
      const metrics = await fetch(`${http}/metrics`, { headers: { Authorization: "Bearer s3cret" } });
      assert.equal(metrics.status, 200);
      assert.match(metrics.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
      assert.match(await metrics.text(), /^katanet_namespaces_watched 1$/m);
      const listing = await fetch(`${http}/netns`, { headers: { Authorization: "Bearer s3cret" } });
      assert.equal(listing.status, 404);
      assert.match(await listing.text(), /^this server follows one namespace/);
      assert.equal((await fetch(`${http}/other`)).status, 426);
      const attachment = await fetch(`${http}/attachment`, { headers: { Authorization: "Bearer s3cret" } });
      assert.deepEqual(await attachment.json(), [], "nothing attached in the served namespace");
    } finally {
      await server.close();
      deleteNamespaces(namespace);
    }
  });

  it("lists the followed namespaces at GET /netns as JSON", async () => {
    const namespace = createNamespace();
    const server = await serve({ namespaces: [namespace] });
    try {
      const http = server.address.replace(/^ws:/, "http:");
      let listing: { namespaces: Array<{ name: string; state: string }> };
      do listing = await (await fetch(`${http}/netns`)).json();
      while (listing.namespaces[0]?.state === "STARTING");
      assert.deepEqual(listing, { namespaces: [{ name: namespace, state: "STREAMING" }] });
      assert.equal((await scrape(server.address)).get("katanet_namespaces_watched"), 1);
      const attachment = await fetch(`${http}/attachment`);
      assert.equal(attachment.status, 404);
      assert.match(await attachment.text(), /^this server follows several namespaces/);
    } finally {
      await server.close();
      deleteNamespaces(namespace);
    }
  });
});
