// `npm install` in a fresh clone must leave package-lock.json as committed: npm rewrites
// the lock's root package entry whenever it differs from package.json (a stale bin path
// did exactly that). Checked here without running npm, which needs the registry.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../support/fixtures.ts";

const read = (file: string): Record<string, unknown> => JSON.parse(readFileSync(join(repoRoot(), file), "utf8"));

/** The package.json fields npm copies into the lock's root entry. */
const MIRRORED = ["name", "version", "license", "bin", "dependencies", "devDependencies", "optionalDependencies", "peerDependencies", "engines"];

test("package-lock.json's root entry is what npm install would write from package.json", () => {
  const manifest = read("package.json");
  const lock = read("package-lock.json") as { name: string; version: string; packages: Record<string, Record<string, unknown>> };
  assert.equal(lock.name, manifest.name);
  assert.equal(lock.version, manifest.version);
  const root = lock.packages[""];
  for (const field of MIRRORED) {
    if (field === "bin" && typeof manifest.bin === "string") {
      assert.deepEqual(root.bin, { [String(manifest.name)]: manifest.bin }, "bin");
      continue;
    }
    assert.deepEqual(root[field], manifest[field], field);
  }
});

test("every dependency in package.json is locked", () => {
  const manifest = read("package.json") as { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
  const { packages } = read("package-lock.json") as { packages: Record<string, unknown> };
  for (const name of Object.keys({ ...manifest.dependencies, ...manifest.devDependencies })) {
    assert.ok(packages[`node_modules/${name}`], `${name} is not in package-lock.json`);
  }
});
