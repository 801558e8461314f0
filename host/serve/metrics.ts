// What `serve` exposes at GET /metrics, in Prometheus' text format through prom-client,
// on a registry of its own (two servers in one process keep their counts apart), with
// prom-client's default process metrics beside katanet's.

import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { WatchObserver } from "../watch/watcher.ts";

export interface MetricSources {
  clients(): number;
  namespacesWatched(): number;
}

/** Why something failed, as the `category` label of katanet_errors_total. */
const ERROR_CATEGORIES = ["namespace", "watch", "client", "directory"] as const;
export type ErrorCategory = (typeof ERROR_CATEGORIES)[number];

export class ServeMetrics implements WatchObserver {
  readonly registry = new Registry();
  private readonly scans: Counter;
  private readonly scanDuration: Histogram;
  private readonly events: Counter;
  private readonly messages: Counter<"type">;
  private readonly resyncs: Counter;
  private readonly slowClients: Counter;
  private readonly errors: Counter<"category">;

  constructor(sources: MetricSources) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    new Gauge({
      name: "katanet_namespaces_watched",
      help: "Network namespaces being watched and streamed",
      registers,
      collect() {
        this.set(sources.namespacesWatched());
      },
    });
    new Gauge({
      name: "katanet_clients",
      help: "WebSocket clients connected",
      registers,
      collect() {
        this.set(sources.clients());
      },
    });
    this.scans = new Counter({ name: "katanet_scans_total", help: "Namespace scans (initial scans and rescans)", registers });
    this.scanDuration = new Histogram({
      name: "katanet_scan_duration_seconds",
      help: "Time one namespace scan took",
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers,
    });
    this.events = new Counter({ name: "katanet_events_received_total", help: "rtnetlink notifications read", registers });
    this.messages = new Counter({ name: "katanet_messages_sent_total", help: "Envelopes sent to clients, by message type", labelNames: ["type"], registers });
    this.resyncs = new Counter({ name: "katanet_resyncs_total", help: "Full resyncs after notifications were lost", registers });
    this.slowClients = new Counter({ name: "katanet_slow_clients_closed_total", help: "Clients closed for not reading fast enough", registers });
    this.errors = new Counter({ name: "katanet_errors_total", help: "Failures, by category", labelNames: ["category"], registers });
    for (const category of ERROR_CATEGORIES) this.errors.inc({ category }, 0);
  }

  scanned(seconds: number): void {
    this.scans.inc();
    this.scanDuration.observe(seconds);
  }

  notified(datagrams: number): void {
    if (datagrams > 0) this.events.inc(datagrams);
  }

  resynced(): void {
    this.resyncs.inc();
  }

  messageSent(type: string): void {
    this.messages.inc({ type });
  }

  slowClientClosed(): void {
    this.slowClients.inc();
  }

  error(category: ErrorCategory): void {
    this.errors.inc({ category });
  }

  /** The exposition text and its content type. */
  async exposition(): Promise<{ contentType: string; text: string }> {
    return { contentType: this.registry.contentType, text: await this.registry.metrics() };
  }
}
