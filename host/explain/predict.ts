// Predicted agent failures: the requests replayed in the guest agent's order with the apply
// logic's own checks and plan (host/apply/plan.ts), against a model of the guest's tables
// instead of a namespace. Interfaces first (their addresses bring connected prefixes), then
// routes gateway-less first, each gateway checked against what is installed by then.
import type { AgentMessages } from "../core-types.ts";
import { decode, type ARPNeighbor, type Route } from "../schema.ts";
import { planRequests, type InterfacePlan, type RoutePlan } from "../apply/plan.ts";
import { ApplyInputError } from "../apply/input.ts";
import type { Family } from "../apply/text.ts";
import { describeRoute } from "./describe.ts";
import type { Finding } from "./explain.ts";

const RTNH_F_ONLINK = 0x4;

interface Prefix {
  family: Family;
  bytes: Uint8Array;
  length: number;
}

interface GuestLink {
  plan: InterfacePlan;
  /** Connected prefixes and gateway-less routes: what a gateway can be reached through. */
  reachable: Prefix[];
}

export function predictFailures(messages: AgentMessages): Finding[] {
  const findings: Finding[] = [];
  const interfaces = messages.updateInterfaceRequests.map((bytes) => decode("UpdateInterfaceRequest", bytes).interface).filter((i) => i !== null);
  const routes = decode("Routes", messages.routesList).Routes ?? [];
  const neighbours = decode("AddARPNeighborsRequest", messages.addArpNeighborsRequest).neighbors?.ARPNeighbors ?? [];
  const links = new Map<string, GuestLink>();
  for (const iface of interfaces) {
    const plan = planned(findings, `interface ${iface.name}`, () => planRequests({ interfaces: [iface], routes: undefined, neighbours: [] }).interfaces[0]);
    if (plan) links.set(plan.name, { plan, reachable: plan.addresses.map(({ family, bytes, length }) => ({ family, bytes, length })) });
  }
  const routePlans = routes.flatMap((route) => {
    const plan = planned(findings, `route ${describeRoute(route)}`, () => planRequests({ interfaces: [], routes: [route], neighbours: [] }).routes![0]);
    return plan ? [{ route, plan }] : [];
  });
  // the agent's order: gateway-less routes first
  const ordered = [...routePlans.filter(({ plan }) => !plan.gateway), ...routePlans.filter(({ plan }) => plan.gateway)];
  const destinations = new Map<string, Route>();
  for (const { route, plan } of ordered) {
    const link = links.get(plan.device);
    const label = `route ${describeRoute(route)}`;
    if (!link) {
      findings.push(error("agent.unknown-link", [label], `the guest has no interface ${plan.device}: send the route on an interface Kata sends.`));
      continue;
    }
    checkRoute(findings, route, plan, link, label);
    const key = `${plan.family} ${route.dest || "default"}`;
    const earlier = destinations.get(key);
    if (earlier) {
      findings.push({
        severity: "warning",
        rule: "route.duplicate-destination",
        objects: [`route ${describeRoute(earlier)}`, label],
        fix: "the agent writes routes with NLM_F_REPLACE, so the later one replaces the earlier: keep one route per destination.",
      });
    }
    destinations.set(key, route);
    if (!plan.gateway) link.reachable.push({ family: plan.family, bytes: plan.destination.bytes, length: plan.destination.length });
  }
  for (const neighbour of neighbours) checkNeighbour(findings, neighbour, links);
  return findings;
}

function checkRoute(findings: Finding[], route: Route, plan: RoutePlan, link: GuestLink, label: string): void {
  if (plan.gateway && !(plan.flags & RTNH_F_ONLINK) && !isLinkLocal(plan.family, plan.gateway)) {
    const reachable = link.reachable.some((prefix) => covers(prefix, plan.family, plan.gateway!));
    if (!reachable) {
      findings.push(error(
        "route.gateway-unreachable",
        [label],
        `no address or gateway-less route of ${plan.device} covers ${route.gateway} when the agent adds this route, so the guest kernel refuses it (ENETUNREACH) and the sandbox fails: add an address or a link route on ${plan.device} that covers the gateway, or mark the route onlink.`,
      ));
    }
  }
  if (plan.mtu > link.plan.mtu) {
    findings.push({
      severity: "warning",
      rule: "route.mtu-above-link",
      objects: [label, `link ${plan.device} (mtu ${link.plan.mtu})`],
      fix: `packets larger than ${link.plan.mtu} bytes on this route are dropped or fragmented in the guest: lower the route's MTU to the link's ${link.plan.mtu} or below.`,
    });
  }
  if (plan.family === 6 && !link.plan.addresses.some((address) => address.family === 6)) {
    findings.push({
      severity: "warning",
      rule: "route.v6-without-address",
      objects: [label, `link ${plan.device}`],
      fix: `${plan.device} gets no IPv6 address in the guest, so nothing can be sent from it over this route: give the pod's ${plan.device} an IPv6 address or drop the route.`,
    });
  }
}

function checkNeighbour(findings: Finding[], neighbour: ARPNeighbor, links: Map<string, GuestLink>): void {
  const label = `neighbour ${neighbour.toIPAddress?.address ?? "?"} dev ${neighbour.device}`;
  const plan = planned(findings, label, () => planRequests({ interfaces: [], routes: undefined, neighbours: [neighbour] }).neighbours[0]);
  if (plan && !links.has(plan.device)) {
    findings.push(error("agent.unknown-link", [label], `the guest has no interface ${plan.device}: send the neighbour on an interface Kata sends.`));
  }
}

/** The apply logic's field checks: a request the agent cannot even parse fails the sandbox. */
function planned<T>(findings: Finding[], label: string, plan: () => T): T | undefined {
  try {
    return plan();
  } catch (failure) {
    if (!(failure instanceof ApplyInputError)) throw failure;
    findings.push(error("agent.rejects-request", [label], `the guest agent rejects it (${failure.message}): fix the value in the pod's network.`));
    return undefined;
  }
}

function error(rule: string, objects: string[], fix: string): Finding {
  return { severity: "error", rule, objects, fix };
}

function isLinkLocal(family: Family, address: Uint8Array): boolean {
  return family === 6 && address[0] === 0xfe && (address[1] & 0xc0) === 0x80;
}

function covers(prefix: Prefix, family: Family, address: Uint8Array): boolean {
  if (prefix.family !== family || prefix.bytes.length !== address.length) return false;
  const whole = Math.floor(prefix.length / 8);
  for (let i = 0; i < whole; i++) if (prefix.bytes[i] !== address[i]) return false;
  const bits = prefix.length % 8;
  if (bits === 0) return true;
  const mask = (0xff << (8 - bits)) & 0xff;
  return (prefix.bytes[whole] & mask) === (address[whole] & mask);
}

