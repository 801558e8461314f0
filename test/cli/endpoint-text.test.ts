// Endpoints written with text addresses ("10.0.0.2/24", "10.0.0.1") convert to the same
// bytes as the hex form of structs.json, for every case whose addresses have a text form.
import { test } from "node:test";
import assert from "node:assert/strict";
import { convertEndpoints } from "../../host/convert.ts";
import type { EndpointSpec } from "../../host/dan/endpoint-spec.ts";
import { toPb64 } from "../../host/format/pb64.ts";
import { parseIP } from "../../host/text/goparse.ts";
import { readFixture, type ExpectedPb } from "../support/fixtures.ts";

type Spec = Record<string, unknown>;
interface StructsCase {
  name: string;
  endpoints: Spec[];
  expected: { seed: { pb: ExpectedPb } };
}

const { cases } = readFixture("structs.json") as { cases: StructsCase[] };

/** The text of an IP whose hex is what net.ParseIP gives for it (or its 4-byte IPv4
 * form, which Kata prints and sends alike); undefined when no text names it. */
function textOf(ip: { text?: string; hex: string } | null): string | null | undefined {
  if (ip === null) return null;
  const parsed = ip.text === undefined ? null : parseIP(ip.text);
  const hex = parsed && Array.from(parsed, (b) => b.toString(16).padStart(2, "0")).join("");
  return hex === ip.hex || (hex?.startsWith("00000000000000000000ffff") && hex.slice(24) === ip.hex) ? ip.text : undefined;
}

/** "ip/prefix" for an address written as net.ParseIP and a canonical mask. */
function cidrOf(ipnet: { ip: { text?: string; hex: string } | null; mask: { prefixLen?: number | null; hex: string } | null } | null): string | null | undefined {
  if (ipnet === null) return null;
  const text = ipnet.ip && textOf(ipnet.ip);
  const prefix = ipnet.mask?.prefixLen;
  const v4 = ipnet.mask?.hex.length === 8;
  if (!text || typeof prefix !== "number" || v4 !== text.includes(".")) return undefined;
  return `${text}/${prefix}`;
}

/** The endpoint with every address as text, or undefined when one has no text form. */
function asText(endpoint: Spec): Spec | undefined {
  const addrs = (endpoint.addrs as { ipnet: never }[]).map((addr) => ({ ...addr, ipnet: cidrOf(addr.ipnet) }));
  const routes = (endpoint.routes as { gw: never; src: never }[]).map((route) => ({ ...route, gw: textOf(route.gw), src: textOf(route.src) }));
  const neighbors = (endpoint.neighbors as { ip: never }[]).map((neighbor) => ({ ...neighbor, ip: textOf(neighbor.ip) }));
  const values = [...addrs.map((a) => a.ipnet), ...routes.flatMap((r) => [r.gw, r.src]), ...neighbors.map((n) => n.ip)];
  return values.includes(undefined) ? undefined : { ...endpoint, addrs, routes, neighbors };
}

const textCases = cases.map((c) => ({ c, endpoints: c.endpoints.map(asText) })).filter(({ endpoints }) => !endpoints.includes(undefined));

test("most structs.json cases can be written with text addresses", () => {
  assert.ok(textCases.length >= cases.length / 2, `only ${textCases.length} of ${cases.length}`);
});

for (const { c, endpoints } of textCases) {
  test(`text addresses give the hex form's bytes: structs.json ${c.name}`, () => {
    const conversion = convertEndpoints(endpoints as unknown as EndpointSpec[], { rules: ["seed"] });
    assert.deepEqual(toPb64(conversion.messages.seed!), c.expected.seed.pb);
  });
}
