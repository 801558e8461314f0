// host/wire/lists.ts splits and wraps the agent's lists without protobufjs (a scan must not
// load it), by their field 1; this holds it to proto/agent.proto's reflected types.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import protobuf from "protobufjs";
import { encode, typeByName } from "../../host/schema.ts";
import { elementsOf, field1Header, wrapInField1 } from "../../host/wire/lists.ts";

const listFields = [
  ["grpc.Interfaces", "Interfaces"],
  ["grpc.Routes", "Routes"],
  ["grpc.ARPNeighbors", "ARPNeighbors"],
  ["grpc.UpdateInterfaceRequest", "interface"],
  ["grpc.UpdateRoutesRequest", "routes"],
  ["grpc.AddARPNeighborsRequest", "neighbors"],
] as const;

describe("the agent's lists", () => {
  for (const [typeName, fieldName] of listFields) {
    it(`${typeName} holds its content as the message field whose tag field1Header writes`, () => {
      const type = typeByName(typeName);
      assert.deepEqual(Object.keys(type.fields), [fieldName]);
      const field = type.fields[fieldName].resolve();
      assert.ok(field.resolvedType instanceof protobuf.Type);
      assert.equal(field1Header(0)[0], (field.id << 3) | protobuf.types.basic.bytes);
    });
  }

  it("splits a list protobufjs wrote into its elements, and wraps them into the request protobufjs writes", () => {
    const route = { dest: "10.1.0.0/16", gateway: "10.0.0.1", device: "eth0", source: "", scope: 0, family: 0, flags: 0, mtu: 0 };
    const routes = { Routes: [route, { ...route, dest: "10.2.0.0/16" }] };
    const list = encode("Routes", routes);
    const elements = elementsOf(list);
    assert.deepEqual(elements.map((element) => typeByName("types.Route").decode(element.body).toJSON().dest), ["10.1.0.0/16", "10.2.0.0/16"]);
    const wrapped = wrapInField1(elements.map((element) => element.whole));
    assert.deepEqual([...wrapped.message], [...encode("UpdateRoutesRequest", { routes })]);
  });
});
