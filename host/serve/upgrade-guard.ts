// Connections that have not finished their WebSocket upgrade cost a socket each and prove
// nothing yet: each gets a few seconds to complete it, and only so many may be pending at
// once; beyond that a new connection is closed at once. Upgraded connections leave the guard.

import type { Server } from "node:http";
import type { Socket } from "node:net";
import type { Duplex } from "node:stream";
import { clearTimeout, setTimeout } from "node:timers";

export const DEFAULT_UPGRADE_TIMEOUT_MS = 5000;
export const DEFAULT_MAX_PENDING_UPGRADES = 64;

export interface UpgradeGuardOptions {
  timeoutMs?: number;
  maxPending?: number;
  /** A TLS server: guard the decrypted sockets (the TLS handshake has its own timeout). */
  secure?: boolean;
}

/** Guards `server`'s connections; call the returned function when one is upgraded (or refused). */
export function guardUpgrades(server: Server, options: UpgradeGuardOptions = {}): (socket: Duplex) => void {
  const timeoutMs = options.timeoutMs ?? DEFAULT_UPGRADE_TIMEOUT_MS;
  const maxPending = options.maxPending ?? DEFAULT_MAX_PENDING_UPGRADES;
  const pending = new Map<Duplex, ReturnType<typeof setTimeout>>();
  const settle = (socket: Duplex) => {
    clearTimeout(pending.get(socket));
    pending.delete(socket);
  };
  // The socket the upgrade event will carry: for TLS, the decrypted one.
  const onConnection = (socket: Socket) => {
    if (pending.size >= maxPending) {
      socket.destroy();
      return;
    }
    const timer = setTimeout(() => {
      pending.delete(socket);
      socket.destroy();
    }, timeoutMs);
    timer.unref();
    pending.set(socket, timer);
    socket.once("close", () => settle(socket));
  };
  server.on(options.secure ? "secureConnection" : "connection", onConnection);
  return settle;
}
