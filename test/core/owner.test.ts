// The Wasm owner: buffers reused across calls, typed errors, and recovery after a trap.
import { test } from "node:test";
import assert from "node:assert/strict";
import { captureInput } from "../../host/capture.ts";
import { defaultCore } from "../../host/default-core.ts";
import { KatanetCore } from "../../host/core.ts";
import { CoreCrashError, CoreUsageError, MalformedInputError } from "../../host/core-errors.ts";
import { netlinkMessages } from "../../host/netlink/messages.ts";
import { findLiveFixture } from "../support/fixtures.ts";

const fixture = findLiveFixture("with routes", (f) => !f.file.endsWith(".gz") && f.expected.error === null && (f.expected.seed?.routes.length ?? 0) > 0);
const input = captureInput(fixture, defaultCore().abi).bytes;

test("one owner converts again and again with the same result", () => {
  const core = new KatanetCore();
  const first = core.convertBytes(input).messages.seed!.routesList;
  for (let i = 0; i < 50; i++) assert.deepEqual(core.convertBytes(input).messages.seed!.routesList, first);
});

test("malformed input is a typed error with the offset, and the owner goes on", () => {
  const core = new KatanetCore();
  const broken = input.slice(0, 10);
  assert.throws(() => core.convertBytes(broken), (error: unknown) => error instanceof MalformedInputError && error.offset === 0);
  assert.ok(core.convertBytes(input).endpoints.length > 0);
});

test("a trap inside the core becomes CoreCrashError and a fresh instance takes over", () => {
  const core = new KatanetCore();
  core.convertBytes(input);
  const exports = (core as unknown as { core: { inputArea(size: number, keep: number): number } }).core;
  // 4 GiB of input cannot be allocated: the core aborts, as only a host bug could make it.
  assert.throws(() => exports.inputArea(0xffffffff, 0), CoreCrashError);
  assert.ok(core.convertBytes(input).endpoints.length > 0, "the owner works after the crash");
});

test("using the core out of order is a usage error, not a crash", () => {
  const core = new KatanetCore();
  assert.throws(() => core.classify(), CoreUsageError);
});

test("an input decoded in parts converts as it does whole", () => {
  const whole = new KatanetCore().convertBytes(input);
  const core = new KatanetCore();
  const firstPart = firstMessages(input, 3);
  core.resetInput().append(input.subarray(0, firstPart));
  core.decodeLinks();
  core.append(input.subarray(firstPart));
  core.decodeMore();
  assert.deepEqual(core.classify(), whole);
});

test("a part that fails to decode ends the input: it cannot be finished", () => {
  const core = new KatanetCore();
  core.resetInput().append(input.subarray(0, firstMessages(input, 3)));
  core.decodeLinks();
  core.append(new Uint8Array([0xff, 0, 0, 0, 0, 0, 0, 0]));
  assert.throws(() => core.decodeMore(), MalformedInputError);
  assert.throws(() => core.classify(), CoreUsageError);
});

test("decoding more before any decodeLinks is a usage error", () => {
  assert.throws(() => new KatanetCore().decodeMore(), CoreUsageError);
});

/** Byte length of the first `count` netlink messages of `bytes`. */
function firstMessages(bytes: Uint8Array, count: number): number {
  const messages = [...netlinkMessages(bytes)].slice(0, count);
  const last = messages[count - 1].bytes;
  return last.byteOffset - bytes.byteOffset + ((last.length + 3) & ~3);
}
