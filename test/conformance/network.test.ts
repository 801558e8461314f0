// The pure functions of network.go: models.json, mac.json, netpair.json, family.json.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  addressFamily, createNetworkInterfacePair, modelIsValid, modelName, parseModel, privateMacFromRandom,
} from "../../host/network.ts";
import { readFixture } from "../support/fixtures.ts";

const hex = (text: string) => Uint8Array.from(text.match(/../g) ?? [], (b) => parseInt(b, 16));

test("models.json: SetModel from the zero value, GetModel and IsValid", () => {
  const models = readFixture("models.json") as {
    setModel: { input: string; result: number | null; error: string | null; getModelAfter: string }[];
    getModel: { value: number; getModel: string; isValid: boolean }[];
  };
  for (const c of models.setModel) {
    if (c.error !== null) {
      assert.throws(() => parseModel(c.input), { message: c.error });
      continue;
    }
    assert.equal(parseModel(c.input), c.result, c.input);
    assert.equal(modelName(parseModel(c.input)), c.getModelAfter, c.input);
  }
  for (const c of models.getModel) {
    assert.equal(modelName(c.value), c.getModel, `GetModel(${c.value})`);
    assert.equal(modelIsValid(c.value), c.isValid, `IsValid(${c.value})`);
  }
});

test("mac.json: private unicast MACs, and readers that run dry", () => {
  const mac = readFixture("mac.json") as {
    cases: { input: string; output: string }[];
    errors: { input: string; error: string }[];
    longerReader: { input: string; output: string };
  };
  assert.ok(mac.cases.length >= 2000);
  for (const c of mac.cases) assert.equal(privateMacFromRandom(hex(c.input)), c.output, c.input);
  for (const c of mac.errors) assert.throws(() => privateMacFromRandom(hex(c.input)), { message: c.error });
  assert.equal(privateMacFromRandom(hex(mac.longerReader.input)), mac.longerReader.output);
});

test("netpair.json: createNetworkInterfacePair names and models", () => {
  const { cases } = readFixture("netpair.json") as {
    cases: { idx: number; ifName: string; model: number; name: string; tapName: string; virtName: string; netInterworkingModelString: string }[];
  };
  for (const c of cases) {
    const pair = createNetworkInterfacePair(c.idx, c.ifName, c.model);
    assert.deepEqual(
      { name: pair.name, tapName: pair.tapName, virtName: pair.virtName, model: pair.model, modelName: pair.modelName },
      { name: c.name, tapName: c.tapName, virtName: c.virtName, model: c.model, modelName: c.netInterworkingModelString },
    );
    assert.match(pair.virtHardAddr, /^[0-9a-f][26ae](:[0-9a-f]{2}){5}$/, "locally administered unicast");
    assert.match(pair.id, /^[0-9a-f-]{36}$/);
  }
});

test("family.json: ConvertAddressFamily", () => {
  const { cases } = readFixture("family.json") as { cases: { input: number; enum: string }[] };
  for (const c of cases) assert.equal(addressFamily(c.input), c.enum, String(c.input));
});
