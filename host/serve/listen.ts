// Where `katanet serve` listens, and whether that place needs a token: loopback and Unix
// sockets are reachable only from this machine, anything else from the network.

import { isIP } from "node:net";
import { EXIT_BAD_INPUT } from "../exit-codes.ts";

export type ListenTarget = { kind: "tcp"; host: string; port: number } | { kind: "unix"; path: string };

export const DEFAULT_LISTEN = "127.0.0.1:0";

/** The address cannot be listened on (in use, not this machine's): the user's choice to change (exit 2). */
export class ListenError extends Error {
  override name = "ListenError";
  readonly exitCode = EXIT_BAD_INPUT;
}

/** "HOST:PORT" or "[IPV6]:PORT". */
export function parseListen(text: string): ListenTarget {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(text);
  if (!match) throw new Error(`listen address must be HOST:PORT or [IPV6]:PORT, not "${text}"`);
  const host = match[1] ?? match[2];
  const port = Number(match[3]);
  if (port > 65535) throw new Error(`listen port must be at most 65535, not ${port} (in "${text}")`);
  if (match[1] !== undefined && isIP(host) !== 6) throw new Error(`"${host}" in brackets is not an IPv6 address (in "${text}")`);
  return { kind: "tcp", host, port };
}

/** True only for addresses that cannot be reached from another machine. */
export function isLoopback(target: ListenTarget): boolean {
  if (target.kind === "unix") return true;
  const host = target.host.toLowerCase();
  if (host === "localhost") return true;
  if (isIP(host) === 4) return host.startsWith("127.");
  if (isIP(host) === 6) return host === "::1" || /^::ffff:127\./.test(host) || host === "0:0:0:0:0:0:0:1";
  return false;
}

/** Throws unless `target` is loopback or a token protects it. */
export function checkListenPolicy(target: ListenTarget, hasToken: boolean): void {
  if (hasToken || isLoopback(target)) return;
  throw new Error(
    `listening on ${describeTarget(target)} exposes the namespace beyond this machine; give a token file (--token-file) or listen on loopback or a Unix socket`,
  );
}

export function describeTarget(target: ListenTarget): string {
  return target.kind === "unix" ? `unix:${target.path}` : isIP(target.host) === 6 ? `[${target.host}]:${target.port}` : `${target.host}:${target.port}`;
}
