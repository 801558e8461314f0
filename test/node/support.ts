// The node agent's tests: a server following every namespace, clients on one namespace's
// stream or on the listing, and /metrics scraped and parsed.

import type { EnvelopeJson } from "../../host/watch/envelope.ts";
import { connect, type TestClient } from "../serve/client.ts";
import { waitFor } from "../watch/envelopes.ts";

/** What a node agent's stream carries besides the watch envelopes. */
export interface StatusJson {
  name: string;
  state: "STARTING" | "STREAMING" | "FAILED" | "DELETED";
  detail?: string;
}

export type NodeEnvelope = EnvelopeJson | { seq: string; namespaceStatus: StatusJson } | { seq: string; namespaces: { namespaces: StatusJson[] } };

/** A client on `path` ("/netns/NAME" or "/netns") of a ws://HOST:PORT server, in JSON. */
export async function connectTo(address: string, path: string): Promise<{ client: TestClient; next: () => Promise<NodeEnvelope> }> {
  const client = await connect(`${address}${path}`, { protocol: "katanet.json.v1" });
  return { client, next: () => client.next() as Promise<NodeEnvelope> };
}

/** `/netns/NAME` for a namespace name. */
export function streamPath(name: string): string {
  return `/netns/${encodeURIComponent(name)}`;
}

/** Waits for a listing in which every one of `names` satisfies `accept` (others' namespaces are ignored). */
export function waitForListing(next: () => Promise<NodeEnvelope>, what: string, names: string[], accept: (status: StatusJson | undefined, name: string) => boolean): Promise<true> {
  return waitFor(next as () => Promise<EnvelopeJson>, what, (envelope) => {
    const listing = (envelope as NodeEnvelope & { namespaces?: { namespaces: StatusJson[] } }).namespaces?.namespaces;
    if (!listing) return undefined;
    const byName = new Map(listing.map((status) => [status.name, status]));
    return names.every((name) => accept(byName.get(name), name)) ? true : undefined;
  });
}

/** Metric samples by "name{labels}" as printed (labels as prom-client orders them). */
export async function scrape(address: string): Promise<Map<string, number>> {
  const response = await fetch(`${address.replace(/^ws:/, "http:")}/metrics`);
  if (!response.ok) throw new Error(`GET /metrics answered ${response.status}`);
  const samples = new Map<string, number>();
  for (const line of (await response.text()).split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const split = line.lastIndexOf(" ");
    samples.set(line.slice(0, split), Number(line.slice(split + 1)));
  }
  return samples;
}
