// A one-shot command loads only what it uses: Node's module hook lists every module the
// process resolves (CommonJS ones as well), and `katanet scan --format pb64` must not
// reach the DAN parser, protobufjs (only decoded output needs it) or @opentelemetry/api
// (loaded only once an application registers with it).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { packageFile } from "../../host/paths.ts";

function modulesLoaded(...args: string[]): string[] {
  const hook = packageFile("dist", "test", "support", "module-log.js");
  const result = spawnSync("node", ["--no-warnings", "--experimental-loader", hook, packageFile("dist", "host", "cli.js"), ...args], { encoding: "utf8" });
  assert.equal(result.status, 0, result.stderr);
  return result.stderr.split("\n").filter((line) => line.startsWith("module ")).map((line) => line.slice("module ".length));
}

test("katanet scan --format pb64 loads no DAN parser, no protobufjs and no OpenTelemetry", () => {
  const loaded = modulesLoaded("scan", "--keep-going", "--format", "pb64");
  assert.ok(loaded.some((url) => url.endsWith("/host/scan.js")), "the hook saw the scan itself");
  assert.deepEqual(loaded.filter((url) => /\/host\/dan\/convert\.js$|\/protobufjs\/|\/@opentelemetry\//.test(url)), []);
});

test("decoded output loads protobufjs when it needs it", () => {
  assert.ok(modulesLoaded("scan", "--keep-going", "--format", "json").some((url) => url.includes("/protobufjs/")));
});
