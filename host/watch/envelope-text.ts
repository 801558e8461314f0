// Envelopes as lines for people watching a terminal: a headline per envelope and one
// indented line per interface, route or neighbour it carries.

import { isRejected } from "../format/skipped.ts";
import { count } from "../text/count.ts";
import type { ARPNeighborJson, InterfaceJson, RouteJson } from "../schema.ts";
import { envelopeToJson, type Envelope, type EnvelopeJson, type SnapshotJson } from "./envelope.ts";

/** A snapshot lists every link not sent; a change lists those Kata rejects, so a rejected
 * link is never silent yet the usual loopback line does not follow every change. */
export function envelopeToText(envelope: Envelope): string {
  const json = envelopeToJson(envelope);
  const whole = "snapshot" in json || "resync" in json;
  const notSent = json.skipped.filter((link) => whole || isRejected(link)).map((link) => `  not sent ${link.name}: ${link.reason}\n`);
  return contentText(json) + notSent.join("");
}

function contentText(json: EnvelopeJson): string {
  const head = `#${json.seq}`;
  if ("snapshot" in json) return snapshotText(`${head} snapshot`, json.snapshot);
  if ("resync" in json) return snapshotText(`${head} resync (notifications were lost; this replaces everything)`, json.resync);
  if ("updateInterface" in json) {
    const item = json.updateInterface.interface;
    return lines(`${head} update interface ${item?.name ?? "?"}`, item ? [interfaceText(item)] : []);
  }
  if ("updateRoutes" in json) {
    const routes = json.updateRoutes.routes?.Routes ?? [];
    return lines(`${head} update routes: ${count(routes.length, "route")}`, routes.map(routeText));
  }
  if ("addNeighbors" in json) {
    const neighbours = json.addNeighbors.neighbors?.ARPNeighbors ?? [];
    return lines(`${head} add neighbours: ${count(neighbours.length, "neighbour")}`, neighbours.map(neighbourText));
  }
  if ("explanation" in json) {
    const { items, findings } = json.explanation;
    const notSent = items.filter((item) => item.mark !== "sent").map((item) => `${item.mark} ${item.object}: ${item.rule}`);
    return lines(`${head} explanation: ${count(items.length, "object")}, ${count(findings.length, "finding")}`, notSent);
  }
  if ("leftOut" in json) return lines(`${head} links left out changed: ${count(json.skipped.length, "link")} left out now`, []);
  return lines(`${head} interface removed ${json.interfaceRemoved.name} (${json.interfaceRemoved.hwAddr})`, []);
}

function snapshotText(headline: string, snapshot: SnapshotJson): string {
  const interfaces = snapshot.interfaces.Interfaces;
  const routes = snapshot.routes.Routes;
  const neighbours = snapshot.neighbors.ARPNeighbors;
  return lines(
    `${headline}: ${count(interfaces.length, "interface")}, ${count(routes.length, "route")}, ${count(neighbours.length, "neighbour")}`,
    [...interfaces.map(interfaceText), ...routes.map(routeText), ...neighbours.map(neighbourText)],
  );
}

function interfaceText(item: InterfaceJson): string {
  const addresses = item.IPAddresses.map((address) => `${address.address}/${address.mask}`).join(" ");
  const flags = item.rawFlags ? ` flags 0x${item.rawFlags.toString(16)}` : "";
  const device = item.devicePath ? ` pci ${item.devicePath}` : "";
  return `interface ${item.name} ${item.hwAddr} ${item.type} mtu ${item.mtu}${flags}${device}${addresses ? `  ${addresses}` : ""}`;
}

function routeText(route: RouteJson): string {
  const parts = [`route ${route.dest || "default"}`];
  if (route.gateway) parts.push(`via ${route.gateway}`);
  if (route.device) parts.push(`dev ${route.device}`);
  if (route.source) parts.push(`src ${route.source}`);
  if (route.scope) parts.push(`scope ${route.scope}`);
  if (route.mtu) parts.push(`mtu ${route.mtu}`);
  return parts.join(" ");
}

function neighbourText(neighbour: ARPNeighborJson): string {
  return `neighbour ${neighbour.toIPAddress?.address ?? "?"} lladdr ${neighbour.lladdr} dev ${neighbour.device} state ${neighbour.state}`;
}

function lines(headline: string, items: string[]): string {
  return [headline, ...items.map((item) => `  ${item}`)].join("\n") + "\n";
}
