// What `katanet apply` reads: the JSON object `katanet convert/scan --format pb64` prints
// (six keys, base64 protobufs). Only the three requests Kata's runtime actually sends are
// applied — UpdateInterface per interface, then UpdateRoutes, then AddARPNeighbors; the
// other keys (interfaces, interfacesList, routesList) restate the same data.
//
// Kata's runtime sends UpdateRoutes only when its route slice is non-nil, and the agent
// answers one by deleting the old routes. pb64 cannot tell a nil slice from an empty one
// (both encode as `CgA=`), so an empty route list here is read as "no UpdateRoutes
// request": a namespace without routes leaves the target's routes alone, as Kata does.

import { Buffer } from "node:buffer";
import { decode, type ARPNeighbor, type Interface, type Route } from "../schema.ts";
import { EXIT_BAD_INPUT } from "../exit-codes.ts";

/** The decoded agent requests, in the order Kata sends them. */
export interface AgentRequests {
  interfaces: Interface[];
  /** The UpdateRoutes request's routes: `undefined` when there is no such request (the
   * routes are left as they are), `[]` for a request with none (the old routes are deleted). */
  routes: Route[] | undefined;
  neighbours: ARPNeighbor[];
}

/** The input itself is wrong (not the kernel): JSON, base64 or protobuf framing. */
export class ApplyInputError extends Error {
  override name = "ApplyInputError";
  readonly exitCode = EXIT_BAD_INPUT;
}

const REQUEST_KEYS = ["updateInterfaceRequests", "updateRoutesRequest", "addArpNeighborsRequest"] as const;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Parses the pb64 JSON text; `where` names the input (a file name or "stdin") in errors. */
export function parsePb64Json(text: string, where: string): AgentRequests {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ApplyInputError(`${where}: not JSON: ${(error as Error).message}`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ApplyInputError(`${where}: expected the JSON object \`katanet scan --format pb64\` prints`);
  }
  const object = value as Record<string, unknown>;
  if (!REQUEST_KEYS.some((key) => key in object)) {
    throw new ApplyInputError(`${where}: no agent requests: expected one of ${REQUEST_KEYS.join(", ")}`);
  }
  const interfaceTexts = object.updateInterfaceRequests ?? [];
  if (!Array.isArray(interfaceTexts)) throw new ApplyInputError(`${where}: updateInterfaceRequests must be an array of base64 strings`);
  const interfaces = interfaceTexts.map((text, i) => {
    const request = decodeField("UpdateInterfaceRequest", text, `updateInterfaceRequests[${i}]`, where);
    if (!request.interface) throw new ApplyInputError(`${where}: updateInterfaceRequests[${i}] carries no interface`);
    return request.interface;
  });
  const routes = object.updateRoutesRequest === undefined
    ? []
    : decodeField("UpdateRoutesRequest", object.updateRoutesRequest, "updateRoutesRequest", where).routes?.Routes ?? [];
  const neighbours = object.addArpNeighborsRequest === undefined
    ? []
    : decodeField("AddARPNeighborsRequest", object.addArpNeighborsRequest, "addArpNeighborsRequest", where).neighbors?.ARPNeighbors ?? [];
  return { interfaces, routes: routes.length === 0 ? undefined : routes, neighbours };
}

function decodeField<K extends "UpdateInterfaceRequest" | "UpdateRoutesRequest" | "AddARPNeighborsRequest">(
  kind: K,
  text: unknown,
  key: string,
  where: string,
): ReturnType<typeof decode<K>> {
  if (typeof text !== "string") throw new ApplyInputError(`${where}: ${key} must be a base64 string`);
  if (!BASE64.test(text)) throw new ApplyInputError(`${where}: ${key} is not valid base64`);
  return decodeMessage(kind, Buffer.from(text, "base64"), `${where}: ${key}`);
}

/** Decodes one agent request's protobuf bytes, turning protobufjs' framing errors into input errors. */
export function decodeMessage<K extends "UpdateInterfaceRequest" | "UpdateRoutesRequest" | "AddARPNeighborsRequest">(
  kind: K,
  bytes: Uint8Array,
  where: string,
): ReturnType<typeof decode<K>> {
  try {
    return decode(kind, bytes);
  } catch (error) {
    throw new ApplyInputError(`${where}: not a valid ${kind} protobuf: ${(error as Error).message}`);
  }
}
