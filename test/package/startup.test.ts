// A one-shot command loads only what it uses: Node's module hook lists every module the
// process resolves (CommonJS ones as well), and `katanet scan --format pb64` must not
// reach the DAN parser, protobufjs (only decoded output needs it) or @opentelemetry/api
// (loaded only once an application registers with it). The installed command runs the
// bundle in dist/cli/, where those modules are inside chunks: the build's metafile says
// which sources each chunk holds.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { relative } from "node:path";
import { fileURLToPath } from "node:url";
import { packageFile, packageRoot } from "../../host/paths.ts";

function modulesLoaded(entry: string, ...args: string[]): string[] {
  const hook = packageFile("dist", "test", "support", "module-log.js");
  const result = spawnSync("node", ["--no-warnings", "--experimental-loader", hook, entry, ...args], { encoding: "utf8" });
  assert.equal(result.status, 0, result.stderr);
  return result.stderr.split("\n").filter((line) => line.startsWith("module ")).map((line) => line.slice("module ".length));
}

const UNNEEDED_BY_PB64 = /\/host\/dan\/convert\.[jt]s$|\/protobufjs\/|\/@opentelemetry\//;
const PB64_SCAN = ["scan", "--keep-going", "--format", "pb64"];

/** The sources bundled into the chunks among `urls` (from the build's metafile), and the other modules. */
function sourcesLoaded(urls: string[]): string[] {
  const outputs = (JSON.parse(readFileSync(packageFile("dist", "cli-meta.json"), "utf8")) as { outputs: Record<string, { inputs: Record<string, unknown> }> }).outputs;
  const bundled = (url: string) => outputs[relative(packageRoot(), fileURLToPath(url))];
  return urls.flatMap((url) => {
    const chunk = url.startsWith("file:") ? bundled(url) : undefined;
    return chunk ? Object.keys(chunk.inputs).map((source) => `/${source}`) : [url];
  });
}

test("katanet scan --format pb64 loads no DAN parser, no protobufjs and no OpenTelemetry", () => {
  const loaded = modulesLoaded(packageFile("dist", "host", "cli.js"), ...PB64_SCAN);
  assert.ok(loaded.some((url) => url.endsWith("/host/scan.js")), "the hook saw the scan itself");
  assert.deepEqual(loaded.filter((url) => UNNEEDED_BY_PB64.test(url)), []);
});

test("so does the installed command, bundled", () => {
  const loaded = sourcesLoaded(modulesLoaded(packageFile("bin", "katanet.js"), ...PB64_SCAN));
  assert.ok(loaded.includes("/host/scan.ts"), "the scan itself was found in the chunks");
  assert.deepEqual(loaded.filter((source) => UNNEEDED_BY_PB64.test(source)), []);
});

test("decoded output loads protobufjs when it needs it", () => {
  assert.ok(modulesLoaded(packageFile("dist", "host", "cli.js"), "scan", "--keep-going", "--format", "json").some((url) => url.includes("/protobufjs/")));
  assert.ok(sourcesLoaded(modulesLoaded(packageFile("bin", "katanet.js"), "scan", "--keep-going", "--format", "json")).some((source) => source.includes("/protobufjs/")));
});
