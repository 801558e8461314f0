// What a client may send: a request for a fresh snapshot, as a binary
// katanet.ClientRequest or as its JSON text {"snapshot": {}}.

import { typeByName } from "../schema.ts";

export type ClientRequest = { kind: "snapshot" };

/** Parses one client frame; throws an Error saying what was wrong with it. */
export function parseClientRequest(frame: Uint8Array, isBinary: boolean): ClientRequest {
  const message = isBinary ? decodeBinary(frame) : decodeJson(frame);
  if (message !== null && typeof message === "object" && "snapshot" in message && isEmptyObject(message.snapshot)) {
    if (Object.keys(message).length === 1) return { kind: "snapshot" };
  }
  throw new Error(`unsupported request; the only one is a snapshot request ({"snapshot": {}})`);
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
