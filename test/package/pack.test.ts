// The package as a user gets it: `npm pack`, installed into an empty folder, imported by
// its name from Node and from Deno, and its command run through npx. The install is
// offline: the runtime dependencies are copied from this repository's node_modules, so
// the test needs no registry and checks only katanet's own packaging.
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { packageFile, packageRoot } from "../../host/paths.ts";

const scratch = mkdtempSync(join(tmpdir(), "katanet-pack-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

function run(command: string, args: string[], cwd: string): string {
  const result = spawnSync(command, args, { cwd, encoding: "utf8" });
  if (result.error) throw result.error;
  assert.equal(result.status, 0, `${command} ${args.join(" ")} failed:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

/** `--ignore-scripts`: the test runs after the build, and `prepare` would rebuild dist/ under the other tests. */
function pack(): { tarball: string; files: string[] } {
  const output = run("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", scratch], packageRoot());
  const [packed] = JSON.parse(output) as { filename: string; files: { path: string }[] }[];
  return { tarball: join(scratch, packed.filename), files: packed.files.map((file) => file.path) };
}

/** The runtime dependency tree as package-lock.json places it, copied where npm would install it. */
function copyRuntimeDependencies(app: string): void {
  const lock = JSON.parse(readFileSync(packageFile("package-lock.json"), "utf8")) as { packages: Record<string, { dev?: boolean }> };
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (path === "" || entry.dev || !existsSync(packageFile(path))) continue;
    cpSync(packageFile(path), join(app, path), { recursive: true });
  }
}

const USER_PROGRAM = `import { scan, mac } from "katanet";
const conversion = scan({ keepGoing: true });
console.log(JSON.stringify({ mac: mac(), endpoints: conversion.endpoints.length }));
`;

describe("the npm package", () => {
  const { tarball, files } = pack();

  test("holds the built host, the Wasm core, the command, the schema, README and LICENSE, and no tests", () => {
    for (const needed of ["host/serve/page/index.html", "dist/host/index.js", "dist/host/index.d.ts", "dist/host/cli.js", "dist/cli/cli.js", "dist/cli/dump-worker.js", "dist/katanet.wasm", "bin/katanet.js", "proto/agent.proto", "proto/katanet.proto", "README.md", "LICENSE", "package.json"]) {
      assert.ok(files.includes(needed), `${needed} is missing from the tarball`);
    }
    const unwanted = files.filter((file) => !file.startsWith("dist/host/") && !file.startsWith("dist/cli/") && !file.startsWith("host/serve/page/") && !file.startsWith("proto/") && !file.startsWith("bin/") && !["dist/katanet.wasm", "README.md", "LICENSE", "package.json"].includes(file));
    assert.deepEqual(unwanted, []);
    assert.match(readFileSync(packageFile("LICENSE"), "utf8"), /Apache License\s+Version 2\.0, January 2004/);
  });

  describe("installed into an empty folder", () => {
    const app = join(scratch, "app");
    mkdirSync(join(app, "node_modules"), { recursive: true });
    writeFileSync(join(app, "package.json"), JSON.stringify({ name: "katanet-user", private: true, type: "module" }));
    writeFileSync(join(app, "main.mjs"), USER_PROGRAM);
    copyRuntimeDependencies(app);
    run("npm", ["install", "--offline", "--no-audit", "--no-fund", tarball], app);

    const checkOutput = (stdout: string) => {
      const result = JSON.parse(stdout) as { mac: string; endpoints: number };
      assert.match(result.mac, /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/);
      assert.equal(typeof result.endpoints, "number");
    };

    test("Node imports scan and mac by the package's name", () => {
      checkOutput(run("node", ["main.mjs"], app));
    });

    test("Deno imports them through node_modules", () => {
      checkOutput(run(packageFile("node_modules", ".bin", "deno"), ["run", "--allow-all", "main.mjs"], app));
    });

    test("npx katanet --help lists the commands", () => {
      assert.match(run("npx", ["--offline", "katanet", "--help"], app), /usage: katanet COMMAND/);
    });
  });
});

test("the repository imports itself by the package's name", () => {
  const stdout = run("node", ["--input-type=module", "-e", "const k = await import('katanet'); console.log(typeof k.scan, typeof k.mac)"], packageRoot());
  assert.equal(stdout.trim(), "function function");
});
