// katanet explain: every link, address, route and neighbour of a source, marked sent,
// dropped or changed with the rule that decided it, and the findings that follow: Kata
// refusing the namespace, and what the guest agent would reject or leave unreachable.
// The marks are the converter's own (KatanetCore.explain); nothing here re-decides them.
import type { KatanetCore } from "../core.ts";
import type { Conversion, ExplainRecord, NeighbourRule } from "../core-types.ts";
import { convertCapture, convertDan, convertEndpoints, defaultCore } from "../convert.ts";
import type { GuestPciPaths } from "../dan/convert.ts";
import type { EndpointSpec } from "../dan/endpoint-spec.ts";
import { decode, toProtoJson, type MessagesJson } from "../schema.ts";
import { CHANGE_RULES, DROP_RULES, MESSAGE_OF, SENT_RULES } from "./rules.ts";
import { describeObject } from "./describe.ts";
import { predictFailures } from "./predict.ts";

export type ItemKind = ExplainRecord["kind"];
export type Mark = "sent" | "dropped" | "changed";
export type Severity = "error" | "warning" | "info";

export interface ExplainItem {
  kind: ItemKind;
  link: string;
  mark: Mark;
  rule: string;
  reason: string;
  /** What Kata makes of the object (for a link it does not take: the link as it stands), in protojson. */
  object: ItemObject;
  /** The agent message it ends up in; null when dropped. */
  message: string | null;
}

export type ItemObject = MessagesJson["Interface"] | MessagesJson["IPAddress"] | MessagesJson["Route"] | MessagesJson["ARPNeighbor"];

export interface Finding {
  severity: Severity;
  rule: string;
  /** The objects involved, as one line each ("route default via 10.0.0.1 dev eth0"). */
  objects: string[];
  fix: string;
}

export interface Explanation {
  items: ExplainItem[];
  findings: Finding[];
}

/** Where explain reads from: a namespace (scan), a capture, endpoint specs, or a DAN file. */
export type ExplainSource =
  | { netns?: string; pciPaths?: Record<string, string> }
  | { capture: unknown }
  | { endpoints: readonly EndpointSpec[] }
  | { dan: Uint8Array; pciPaths?: GuestPciPaths };

export interface ExplainOptions {
  rule?: NeighbourRule;
  core?: KatanetCore;
}

/** Explains a source; a namespace scan loads host/scan.ts (and its syscall bindings) only when asked for. */
export async function explain(source: ExplainSource, options: ExplainOptions = {}): Promise<Explanation> {
  const rule = options.rule ?? "seed";
  const core = options.core ?? defaultCore();
  // keepGoing: a link Kata would fail on is listed with Go's error instead of ending the conversion.
  const convert = { rules: [rule], keepGoing: true };
  let conversion: Conversion;
  if ("capture" in source) conversion = convertCapture(source.capture, convert, core);
  else if ("endpoints" in source) conversion = convertEndpoints(source.endpoints, convert, core);
  else if ("dan" in source) conversion = convertDan(source.dan, source.pciPaths ?? {}, convert, core);
  else {
    const { scan } = await import("../scan.ts");
    conversion = scan({ ...source, ...convert, core, dumpThread: false });
  }
  const handDescribed = "endpoints" in source || "dan" in source;
  return explainConversion(conversion, core.explain(rule), rule, handDescribed);
}

/** Items and findings from a conversion and the core's records of it (taken right after it). */
export function explainConversion(
  conversion: Conversion,
  records: readonly ExplainRecord[],
  rule: NeighbourRule,
  handDescribed = false,
): Explanation {
  const items = records.map(toItem);
  const messages = conversion.messages[rule];
  const findings = [...refusals(items, records), ...(handDescribed ? silentDrops(items) : [])];
  if (messages) findings.push(...predictFailures(messages));
  return { items, findings };
}

/** Whether a finding would break the guest network (an error: Kata or the agent refuses, or the guest is cut off). */
export function breaksGuest(explanation: Explanation): boolean {
  return explanation.findings.some((finding) => finding.severity === "error");
}

function toItem(record: ExplainRecord): ExplainItem {
  const object = decodeObject(record);
  if (record.reason !== null) {
    const rule = DROP_RULES[record.reason];
    return { kind: record.kind, link: record.link, mark: "dropped", rule: rule.id, reason: record.text || rule.says(record.detail), object, message: null };
  }
  const rule = record.change !== null ? CHANGE_RULES[record.change] : SENT_RULES[record.kind];
  const mark = record.change !== null ? "changed" : "sent";
  return { kind: record.kind, link: record.link, mark, rule: rule.id, reason: rule.says(record.detail), object, message: MESSAGE_OF[record.kind] };
}

function decodeObject(record: ExplainRecord): ItemObject {
  switch (record.kind) {
    case "link": return toProtoJson("Interface", decode("Interface", record.element));
    case "address": return toProtoJson("IPAddress", decode("IPAddress", record.element));
    case "route": return toProtoJson("Route", decode("Route", record.element));
    default: return toProtoJson("ARPNeighbor", decode("ARPNeighbor", record.element));
  }
}

/** A link Kata fails on fails the whole sandbox: Go's own message, one finding per such link. */
function refusals(items: readonly ExplainItem[], records: readonly ExplainRecord[]): Finding[] {
  return items.flatMap((item, i) =>
    item.kind === "link" && records[i].text !== ""
      ? [{
          severity: "error" as const,
          rule: item.rule,
          objects: [describeObject(item)],
          fix: `Kata refuses the namespace with "${records[i].text}": remove ${item.link} from the pod's namespace, or its addresses so that Kata skips it.`,
        }]
      : [],
  );
}

/** An entry of a hand-written file (DAN) that Kata drops without a word. */
function silentDrops(items: readonly ExplainItem[]): Finding[] {
  return items
    .filter((item) => item.mark === "dropped")
    .map((item) => ({
      severity: "warning" as const,
      rule: item.rule,
      objects: [describeObject(item)],
      fix: `Kata drops this entry silently (${item.reason}); remove it from the file or change it so that it is sent.`,
    }));
}
