import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { checkListenPolicy, isLoopback, parseListen } from "../../host/serve/listen.ts";
import { Token } from "../../host/serve/token.ts";

describe("listen policy", () => {
  it("parses HOST:PORT and [IPV6]:PORT, and says what is wrong otherwise", () => {
    assert.deepEqual(parseListen("127.0.0.1:8080"), { kind: "tcp", host: "127.0.0.1", port: 8080 });
    assert.deepEqual(parseListen("[::1]:0"), { kind: "tcp", host: "::1", port: 0 });
    assert.throws(() => parseListen("8080"), /must be HOST:PORT or \[IPV6\]:PORT, not "8080"/);
    assert.throws(() => parseListen("127.0.0.1:70000"), /at most 65535, not 70000/);
    assert.throws(() => parseListen("[example]:80"), /"example" in brackets is not an IPv6 address/);
  });

  it("counts only loopback addresses and Unix sockets as local", () => {
    for (const local of ["127.0.0.1:1", "127.3.4.5:1", "[::1]:1", "localhost:1", "[::ffff:127.0.0.1]:1"]) {
      assert.ok(isLoopback(parseListen(local)), local);
    }
    assert.ok(isLoopback({ kind: "unix", path: "/run/katanet.sock" }));
    for (const remote of ["0.0.0.0:1", "10.0.0.1:1", "[::]:1", "[2001:db8::1]:1", "pod.example:1"]) {
      assert.ok(!isLoopback(parseListen(remote)), remote);
    }
  });

  it("requires a token off loopback only", () => {
    assert.doesNotThrow(() => checkListenPolicy(parseListen("127.0.0.1:0"), false));
    assert.throws(() => checkListenPolicy(parseListen("0.0.0.0:0"), false), /listening on 0\.0\.0\.0:0 exposes the namespace beyond this machine; give a token file/);
    assert.doesNotThrow(() => checkListenPolicy(parseListen("0.0.0.0:0"), true));
  });
});

describe("token", () => {
  const directory = mkdtempSync(join(tmpdir(), "katanet-token-"));
  after(() => rmSync(directory, { recursive: true, force: true }));
  const file = (name: string, text: string) => {
    const path = join(directory, name);
    writeFileSync(path, text, { mode: 0o600 });
    return path;
  };

  it("accepts exactly the bearer token of the file's first line", () => {
    const token = Token.fromFile(file("good", "s3cret\nignored\n"));
    assert.ok(token.acceptsAuthorization("Bearer s3cret"));
    assert.ok(!token.acceptsAuthorization("Bearer s3cre"));
    assert.ok(!token.acceptsAuthorization("Bearer s3cret2"));
    assert.ok(!token.acceptsAuthorization("Basic s3cret"));
    assert.ok(!token.acceptsAuthorization(undefined));
    assert.ok(!token.acceptsAuthorization("Bearer "));
  });

  it("refuses empty and unreadable token files with their path", () => {
    const empty = file("empty", "\n");
    assert.throws(() => Token.fromFile(empty), new RegExp(`token file ${empty} is empty`));
    assert.throws(() => Token.fromFile(join(directory, "missing")), /cannot read token file .*missing/);
  });
});
