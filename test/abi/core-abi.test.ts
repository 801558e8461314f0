// The numbers the host and the Wasm core share are the module's own: the host's view of
// each (KatanetCore.abi) equals the global the module exports, the module exports none
// the host does not read, and a module that lacks one is refused by name.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { KatanetCore } from "../../host/core.ts";
import { CORE_ABI_NAMES, CoreAbiError, readCoreAbi, type CoreAbi } from "../../host/core-abi.ts";
import { packageFile } from "../../host/paths.ts";
import { NetlinkBuilder } from "../../host/netlink/builder.ts";
import { encodePciPaths } from "../../host/wire/records.ts";

const wasm = readFileSync(packageFile("dist", "katanet.wasm"));
const module = new WebAssembly.Module(wasm);
const exportedGlobals = WebAssembly.Module.exports(module).filter((e) => e.kind === "global").map((e) => e.name);

/** The module's globals read straight from a bare instance, without the host's reader. */
function moduleGlobals(): Map<string, unknown> {
  const instance = new WebAssembly.Instance(module, { env: { abort: () => { throw new Error("abort"); } } });
  return new Map(exportedGlobals.map((name) => [name, (instance.exports[name] as WebAssembly.Global).value]));
}

test("every number the host's ABI names is a global the module exports, with the same value", () => {
  const abi = new KatanetCore(wasm).abi;
  const globals = moduleGlobals();
  for (const name of CORE_ABI_NAMES) {
    assert.ok(globals.has(name), `${name} is not an exported global of dist/katanet.wasm`);
    assert.equal(abi[name], globals.get(name), name);
  }
  assert.ok(Object.isFrozen(abi));
});

test("the module exports no global the host's ABI leaves unread", () => {
  const named = new Set<string>(CORE_ABI_NAMES);
  assert.deepEqual(exportedGlobals.filter((name) => !named.has(name)), []);
});

test("codes the host tells apart are distinct within their group", () => {
  const abi = new KatanetCore(wasm).abi;
  const groups = [/^ERR_/, /^SECTION_/, /^LOAD_/, /^EXPLAIN_(LINK|ADDRESS|ROUTE|NEIGHBOUR)$/, /^KATANET_/, /^PAIR_/, /^REPORT_/];
  for (const group of groups) {
    const values = CORE_ABI_NAMES.filter((name) => group.test(name)).map((name) => abi[name]);
    assert.equal(new Set(values).size, values.length, `${group} has two names for one value`);
  }
});

/** The real module with one export renamed (same length, so nothing else moves). */
function withExportRenamed(name: string, to: string): Uint8Array<ArrayBuffer> {
  assert.equal(to.length, name.length);
  const bytes = Uint8Array.from(wasm);
  const needle = new TextEncoder().encode(String.fromCharCode(name.length) + name);
  const at = bytes.findIndex((_, i) => needle.every((byte, j) => bytes[i + j] === byte));
  assert.ok(at >= 0, `${name} not found in the module's export names`);
  bytes.set(new TextEncoder().encode(to), at + 1);
  return bytes;
}

test("a core module that lacks a shared number is refused, naming it", () => {
  const renamed = withExportRenamed("ERR_KATA", "ERR_KATX");
  assert.ok(WebAssembly.Module.exports(new WebAssembly.Module(renamed)).some((e) => e.name === "ERR_KATX"));
  assert.throws(() => new KatanetCore(renamed), (error: unknown) => error instanceof CoreAbiError && /\bERR_KATA\b/.test(error.message));
});

test("the ABI reader names every missing or non-numeric export at once", () => {
  const exports: Record<string, unknown> = {};
  const globals = moduleGlobals();
  for (const name of CORE_ABI_NAMES) exports[name] = new WebAssembly.Global({ value: "i32" }, globals.get(name) as number);
  assert.equal(readCoreAbi(exports).ERR_KATA, globals.get("ERR_KATA"));
  delete exports.LOAD_S390X;
  exports.SENT = () => 0;
  assert.throws(() => readCoreAbi(exports), (error: unknown) => error instanceof CoreAbiError && /export LOAD_S390X, SENT as a number/.test(error.message));
});

test("records are encoded in the numbers of the core they are handed", () => {
  const abi = new KatanetCore(wasm).abi;
  const other: CoreAbi = { ...abi, KATANET_PCI_PATH: 0x7e55, RECORD_HINT_NAME: 9 };
  const builder = new NetlinkBuilder();
  encodePciPaths(builder, other, { eth0: "02/00" });
  const bytes = builder.finish();
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  assert.equal(view.getUint16(4, true), 0x7e55); // nlmsg_type
  assert.equal(view.getUint16(16 + 2, true), 9); // the first attribute's type, after the 16-byte header
});
