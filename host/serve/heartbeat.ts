// Heartbeats: every interval each client is pinged; one that has not answered the previous
// ping (a pong, or any frame) by then is gone — a cut link, a frozen peer — and is cut,
// freeing its place under --max-clients. A node agent serving many namespaces can share it.

import { clearInterval, setInterval } from "node:timers";
import type { WebSocket } from "ws";

export const DEFAULT_HEARTBEAT_MS = 15_000;

export class Heartbeat {
  private readonly answered = new WeakMap<WebSocket, boolean>();
  private readonly timer: ReturnType<typeof setInterval>;

  /** `clients` is read at every beat, so it may change between beats. */
  constructor(clients: () => Iterable<WebSocket>, intervalMs = DEFAULT_HEARTBEAT_MS) {
    this.timer = setInterval(() => {
      for (const client of clients()) this.beat(client);
    }, intervalMs);
    this.timer.unref();
  }

  /** Starts watching a new client: it counts as having answered until its first ping. */
  add(client: WebSocket): void {
    this.answered.set(client, true);
    const heard = () => this.answered.set(client, true);
    client.on("pong", heard);
    client.on("message", heard);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private beat(client: WebSocket): void {
    if (this.answered.get(client) === false) {
      client.terminate();
      return;
    }
    this.answered.set(client, false);
    client.ping();
  }
}
