// One token-file rule for serve and follow (issue 18): the first line without its
// trailing CR/LF; no whitespace or control characters; no file others can read unless
// asked; a missing file named as such.

import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { readTokenFile, TokenFileError } from "../../host/serve/token-file.ts";

describe("token files", () => {
  const directory = mkdtempSync(join(tmpdir(), "katanet-token-"));
  after(() => rmSync(directory, { recursive: true, force: true }));
  const file = (name: string, text: string, mode = 0o600) => {
    const path = join(directory, name);
    writeFileSync(path, text);
    chmodSync(path, mode);
    return path;
  };

  it("the first line, its CR/LF stripped, is the token", () => {
    assert.equal(readTokenFile(file("crlf", "s3cret\r\nsecond line\r\n")), "s3cret");
    assert.equal(readTokenFile(file("bare", "s3cret")), "s3cret");
  });

  it("whitespace or control characters in the token are refused", () => {
    for (const [name, text] of [["space", "open sesame\n"], ["tab", "open\tsesame\n"], ["leading", " s3cret\n"], ["bell", "s3\x07cret\n"]]) {
      assert.throws(() => readTokenFile(file(name, text)), { name: "TokenFileError", message: /contains whitespace or control characters/ });
    }
    assert.throws(() => readTokenFile(file("empty", "\nsecond\n")), /is empty; put the token on its first line/);
  });

  it("a file group or others can read is refused unless insecure is asked for", () => {
    const open = file("open", "s3cret\n", 0o640);
    assert.throws(() => readTokenFile(open), { message: `token file ${open} is readable by group or others (mode 0640); chmod 600 it, or pass --insecure-token-file` });
    assert.equal(readTokenFile(open, { insecure: true }), "s3cret");
    assert.equal(readTokenFile(file("read-only", "s3cret\n", 0o400)), "s3cret");
  });

  it("a missing file is named", () => {
    const missing = join(directory, "missing");
    assert.throws(() => readTokenFile(missing), (error: unknown) => error instanceof TokenFileError && error.message === `cannot read token file ${missing}: no such file`);
  });
});
