// Every TypeScript block in README.md type-checks with `tsc --strict` as a user's project
// would compile it: the block is a file of its own, and the package is installed under its
// name (node_modules/katanet links to this checkout), so the README's import paths resolve
// the way they would after `npm install katanet`, whichever path they use.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "../support/fixtures.ts";

const root = repoRoot();
const project = mkdtempSync(join(tmpdir(), "katanet-readme-"));
after(() => rmSync(project, { recursive: true, force: true }));

function typescriptBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/```(?:ts|typescript)\n([\s\S]*?)```/g)].map((match) => match[1]);
}

test("README.md's TypeScript blocks compile with tsc --strict against the package", () => {
  const blocks = typescriptBlocks(readFileSync(join(root, "README.md"), "utf8"));
  assert.ok(blocks.length > 0, "README.md has no TypeScript block");
  mkdirSync(join(project, "node_modules"));
  symlinkSync(root, join(project, "node_modules", "katanet"), "dir");
  writeFileSync(join(project, "package.json"), JSON.stringify({ type: "module" }));
  const files = blocks.map((block, index) => {
    const file = `readme-block-${index + 1}.ts`;
    writeFileSync(join(project, file), block);
    return file;
  });
  const compilerOptions = {
    strict: true,
    noEmit: true,
    target: "ES2022",
    module: "NodeNext",
    moduleResolution: "NodeNext",
    skipLibCheck: true,
    types: ["node"],
    typeRoots: [join(root, "node_modules", "@types")],
  };
  writeFileSync(join(project, "tsconfig.json"), JSON.stringify({ compilerOptions, files }));
  const tsc = spawnSync(process.execPath, [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", project], { encoding: "utf8" });
  assert.equal(tsc.status, 0, `tsc found errors in README.md's TypeScript (block N is readme-block-N.ts):\n${tsc.stdout}${tsc.stderr}`);
});
