// host/schema.ts's TypeScript interfaces name the .proto's fields: a value of each, written
// out whole (the compiler refuses a missing or unknown key), has exactly the reflected
// type's fields, in field-number order.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { messageType, toProtoJson, type IPAddress, type MessageKind, type Messages } from "../../host/schema.ts";

const address: IPAddress = { family: 0, address: "10.0.0.2", mask: "24" };
const iface: Messages["Interface"] = { device: "", name: "eth0", IPAddresses: [address], mtu: 1500, hwAddr: "", devicePath: "", type: "veth", rawFlags: 0 };
const route: Messages["Route"] = { dest: "", gateway: "10.0.0.1", device: "eth0", source: "", scope: 0, family: 0, flags: 0, mtu: 0 };
const neighbour: Messages["ARPNeighbor"] = { toIPAddress: address, device: "eth0", lladdr: "", state: 0, flags: 0 };

const samples: { [K in MessageKind]: Messages[K] } = {
  IPAddress: address,
  Interface: iface,
  Route: route,
  ARPNeighbor: neighbour,
  Interfaces: { Interfaces: [iface] },
  Routes: { Routes: [route] },
  ARPNeighbors: { ARPNeighbors: [neighbour] },
  UpdateInterfaceRequest: { interface: iface },
  UpdateRoutesRequest: { routes: { Routes: [route] } },
  AddARPNeighborsRequest: { neighbors: { ARPNeighbors: [neighbour] } },
};

describe("the schema's interfaces", () => {
  for (const kind of Object.keys(samples) as MessageKind[]) {
    it(`${kind} has the fields of the .proto's ${kind}, and its JSON form the same keys`, () => {
      const fields = [...messageType(kind).fieldsArray].sort((a, b) => a.id - b.id).map((field) => field.name);
      assert.deepEqual(Object.keys(samples[kind]), fields);
      assert.deepEqual(Object.keys(toProtoJson(kind, samples[kind])), fields);
    });
  }
});
