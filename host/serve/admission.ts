// Who may open a stream, decided on the HTTP upgrade request before any WebSocket work:
// browsers from foreign pages (Origin), callers without the token, one client too many,
// and clients that speak neither of katanet's subprotocols are turned away.

import type { IncomingMessage } from "node:http";
import type { Token } from "./token.ts";

export const BINARY_PROTOCOL = "katanet.v1";
export const JSON_PROTOCOL = "katanet.json.v1";
export type StreamProtocol = typeof BINARY_PROTOCOL | typeof JSON_PROTOCOL;
const PROTOCOLS: readonly string[] = [BINARY_PROTOCOL, JSON_PROTOCOL];

export interface AdmissionPolicy {
  token: Token | undefined;
  /** Origins a browser page may connect from; requests without Origin are not browsers. */
  allowedOrigins: readonly string[];
  maxClients: number;
}

export type Admission =
  | { admitted: true; protocol: StreamProtocol }
  | { admitted: false; status: number; reason: string; headers?: Record<string, string> };

export function admit(request: IncomingMessage, policy: AdmissionPolicy, connectedClients: number): Admission {
  const origin = request.headers.origin;
  if (origin !== undefined && !policy.allowedOrigins.includes(origin)) {
    return { admitted: false, status: 403, reason: `origin ${origin} is not allowed (see --allow-origin)` };
  }
  if (policy.token && !policy.token.acceptsAuthorization(request.headers.authorization)) {
    return {
      admitted: false,
      status: 401,
      reason: "missing or wrong token: send Authorization: Bearer TOKEN",
      headers: { "WWW-Authenticate": 'Bearer realm="katanet"' },
    };
  }
  if (connectedClients >= policy.maxClients) {
    return { admitted: false, status: 503, reason: `already serving the maximum of ${policy.maxClients} clients` };
  }
  const offered = (request.headers["sec-websocket-protocol"] ?? "").split(",").map((name) => name.trim());
  const protocol = offered.find((name) => PROTOCOLS.includes(name)) as StreamProtocol | undefined;
  if (!protocol) {
    return { admitted: false, status: 400, reason: `choose a subprotocol: ${PROTOCOLS.join(" or ")}` };
  }
  return { admitted: true, protocol };
}
