// The complete examples in docs/endpoints.md and docs/dan.md stay true: each doc's first
// json block is written to the file its sh block names, the command runs, and what it
// prints must be the doc's text block, exactly.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "../support/fixtures.ts";

const cli = join(repoRoot(), "dist", "host", "cli.js");
const scratch = mkdtempSync(join(tmpdir(), "katanet-docs-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

function firstBlock(markdown: string, language: string, doc: string): string {
  const match = new RegExp("```" + language + "\\n([\\s\\S]*?)```").exec(markdown);
  assert.ok(match, `${doc} has no ${language} block`);
  return match[1];
}

for (const doc of ["docs/endpoints.md", "docs/dan.md"]) {
  test(`${doc}: its example prints what the doc shows`, () => {
    const markdown = readFileSync(join(repoRoot(), doc), "utf8");
    const [katanet, ...args] = firstBlock(markdown, "sh", doc).trim().split(/\s+/);
    assert.equal(katanet, "katanet", `${doc}'s sh block runs katanet`);
    const file = args.find((arg) => arg.endsWith(".json"));
    assert.ok(file, `${doc}'s command names its .json file`);
    writeFileSync(join(scratch, file), firstBlock(markdown, "json", doc));
    const result = spawnSync(process.execPath, [cli, ...args], { cwd: scratch, encoding: "utf8" });
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, firstBlock(markdown, "text", doc));
  });
}
