// What a client may send: a request for a fresh snapshot, or for explanations, as a binary
// katanet.ClientRequest or as its JSON text {"snapshot": {}} / {"explain": {}}.

import { typeByName } from "../schema.ts";

export type ClientRequest = { kind: "snapshot" | "explain" };
const KINDS = ["snapshot", "explain"] as const;

/** Parses one client frame; throws an Error saying what was wrong with it. */
export function parseClientRequest(frame: Uint8Array, isBinary: boolean): ClientRequest {
  const message = isBinary ? decodeBinary(frame) : decodeJson(frame);
  if (message !== null && typeof message === "object" && Object.keys(message).length === 1) {
    const kind = KINDS.find((name) => name in message && isEmptyObject((message as Record<string, unknown>)[name]));
    if (kind) return { kind };
  }
  throw new Error(`unsupported request; send {"snapshot": {}} or {"explain": {}}`);
}

function decodeBinary(frame: Uint8Array): unknown {
  try {
    const type = typeByName("katanet.ClientRequest");
    return type.toObject(type.decode(frame));
  } catch (error) {
    throw new Error(`request is not a katanet.ClientRequest: ${(error as Error).message}`);
  }
}

function decodeJson(frame: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(frame));
  } catch (error) {
    throw new Error(`request is not JSON: ${(error as Error).message}`);
  }
}

function isEmptyObject(value: unknown): boolean {
  return value !== null && typeof value === "object" && !Array.isArray(value) && Object.keys(value).length === 0;
}
