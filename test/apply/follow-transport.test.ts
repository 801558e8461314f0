// How follow reaches a real `katanet serve` (issue 18 item 4, issue 17 item 6): over TLS
// with a certificate the test makes (Debian's openssl binary; node:crypto cannot make
// X.509 certificates), verified with --ca-file and refused without it; over a Unix
// socket as ws+unix:///PATH, a stale socket of a killed server replaced; and never a
// token in clear over ws:// to another machine.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { chmodSync, linkSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { followCommand } from "../../host/cli/follow.ts";
import { serve, type Server } from "../../host/serve/server.ts";
import { assertCleanState, createNamespace, deleteNamespaces, ip, ipBatch, namespaceTestsSkip } from "../support/netns.ts";
import { startFollow, until } from "./hostile.ts";
import { buildMirror, capturedIO, type Mirror } from "./support.ts";

const MAC = "02:00:00:00:ee:71";

function opensslMissing(): string | false {
  try {
    execFileSync("openssl", ["version"], { stdio: "ignore" });
    return false;
  } catch {
    return "the openssl binary is not installed (.ci/run installs it)";
  }
}

describe("follow's transports", { skip: namespaceTestsSkip() || opensslMissing() }, () => {
  const directory = mkdtempSync(join(tmpdir(), "katanet-transport-"));
  const file = (name: string) => join(directory, name);
  let a = "";
  let aPeer = "";
  let mirror: Mirror;

  before(() => {
    a = createNamespace();
    aPeer = createNamespace();
    ipBatch(aPeer, [`link add p0 type veth peer name eth0 netns ${a} address ${MAC}`, "link set p0 up"]);
    ipBatch(a, ["addr add 10.0.0.2/24 dev eth0", "link set eth0 up", "route add default via 10.0.0.1"]);
    mirror = buildMirror([{ name: "eth0", hwAddr: MAC }]);
    execFileSync("openssl", [
      "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
      "-subj", "/CN=katanet-test", "-addext", "subjectAltName=IP:127.0.0.1",
      "-keyout", file("key.pem"), "-out", file("cert.pem"),
    ], { stdio: "ignore" });
    writeFileSync(file("token"), "open-sesame\nsecond line\n", { mode: 0o600 });
  });
  after(() => {
    mirror?.delete();
    deleteNamespaces(a, aPeer);
    rmSync(directory, { recursive: true, force: true });
    assertCleanState();
  });

  it("wss:// with a token: verified against --ca-file, refused without it", async () => {
    let server: Server | undefined;
    try {
      server = await serve({ netns: a, listen: "127.0.0.1:0", tokenFile: file("token"), certFile: file("cert.pem"), keyFile: file("key.pem") });
      assert.match(server.address, /^wss:\/\/127\.0\.0\.1:\d+$/);
      const unverified = startFollow([server.address, "--netns", mirror.namespace, "--token-file", file("token")]);
      assert.equal(await unverified.done, 1);
      assert.match(unverified.io.stderr, new RegExp(`^katanet follow: ${server.address.replaceAll(".", "\\.")}: .*(certificate|UnknownIssuer)`, "i"));
      assert.doesNotMatch(ip(["-n", mirror.namespace, "route"]), /default/);

      const follow = startFollow([server.address, "--netns", mirror.namespace, "--token-file", file("token"), "--ca-file", file("cert.pem")]);
      await until("the snapshot applied", () => /default via 10\.0\.0\.1/.test(ip(["-n", mirror.namespace, "route"])));
      follow.stop();
      assert.equal(await follow.done, 0);
      assert.match(follow.io.stdout, /^snapshot \d+: \d+ writes applied/);
    } finally {
      await server?.close();
    }
  });

  it("ws+unix:///PATH, where a killed server's socket file is replaced", async () => {
    const path = file("serve.sock");
    // A socket file nobody accepts on, as a killed server leaves it: a second name for a
    // listener's socket, kept when the listener closes and unlinks its own.
    const listener = createServer();
    await new Promise<void>((resolve) => listener.listen(file("old.sock"), resolve));
    linkSync(file("old.sock"), path);
    await new Promise((resolve) => listener.close(resolve));
    let server: Server | undefined;
    try {
      server = await serve({ netns: a, unix: path });
      ip(["-n", mirror.namespace, "route", "flush", "table", "main"]);
      const follow = startFollow([`ws+unix://${path}`, "--netns", mirror.namespace, "--token-file", file("token")]);
      await until("the snapshot applied", () => /default via 10\.0\.0\.1/.test(ip(["-n", mirror.namespace, "route"])));
      follow.stop();
      assert.equal(await follow.done, 0);
    } finally {
      await server?.close();
    }
  });

  it("a token over ws:// to another machine is refused before connecting; a token file others can read too", async () => {
    const plain = capturedIO();
    assert.equal(await followCommand.run(["ws://192.0.2.1:8080", "--netns", mirror.namespace, "--token-file", file("token")], plain), 2);
    assert.equal(plain.stderr, "katanet follow: refusing to send the token in clear over ws:// to 192.0.2.1:8080; use wss:// (see --ca-file), or a loopback address or ws+unix://\n");
    writeFileSync(file("open-token"), "open-sesame\n");
    chmodSync(file("open-token"), 0o644);
    const open = capturedIO();
    assert.equal(await followCommand.run(["ws://127.0.0.1:1", "--netns", mirror.namespace, "--token-file", file("open-token")], open), 2);
    assert.equal(open.stderr, `katanet follow: token file ${file("open-token")} is readable by group or others (mode 0644); chmod 600 it, or pass --insecure-token-file\n`);
  });
});
