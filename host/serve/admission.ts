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
  if (origin !== undefined && !policy.allowedOrigins.includes(origin) && !isOwnPage(origin, request.headers.host, policy)) {
    return { admitted: false, status: 403, reason: `origin ${origin} is not allowed (see --allow-origin)` };
  }
  const offered = (request.headers["sec-websocket-protocol"] ?? "").split(",").map((name) => name.trim());
  if (policy.token && !policy.token.acceptsAuthorization(request.headers.authorization) && !policy.token.acceptsSubprotocols(offered)) {
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
  const protocol = streamProtocolOf(offered);
  if (!protocol) {
    return { admitted: false, status: 400, reason: `choose a subprotocol: ${PROTOCOLS.join(" or ")}` };
  }
  return { admitted: true, protocol };
}

/** The katanet subprotocol among those a client offered (a token entry may come first). */
export function streamProtocolOf(offered: Iterable<string>): StreamProtocol | undefined {
  for (const name of offered) if (PROTOCOLS.includes(name)) return name as StreamProtocol;
  return undefined;
}

/**
 * The page `katanet serve` itself serves (GET /) connecting back: same origin. A name that
 * is not an IP literal or localhost could be a rebinding of someone else's name to this
 * address, so without a token only addresses count as this server.
 */
function isOwnPage(origin: string, host: string | undefined, policy: AdmissionPolicy): boolean {
  if (host === undefined || (origin !== `http://${host}` && origin !== `https://${host}`)) return false;
  if (policy.token) return true;
  const hostname = host.replace(/:\d+$/, "");
  return hostname === "localhost" || /^\d{1,3}(\.\d{1,3}){3}$/.test(hostname) || /^\[[0-9a-fA-F:.]+\]$/.test(hostname);
}
