// Reading the core's text and record outputs: the report (endpoints and skipped links),
// the link summary's lines, the explanation records.
import { CHANGES, CoreAbiError, DROP_REASONS, EXPLAIN_KINDS, namesByCode, type Change, type CoreAbi, type DropReason, type ExplainKind } from "./core-abi.ts";
import type { ExplainRecord, ScanEndpoint, SkippedLink } from "./core-types.ts";
import { elementsOf } from "./wire/lists.ts";

const decoder = new TextDecoder();

/** The report's lines: an endpoint (name, type, pair index, MAC) or a skipped link (name, reason). */
export function parseReport(text: string, abi: CoreAbi): { endpoints: ScanEndpoint[]; skipped: SkippedLink[] } {
  const endpoints: ScanEndpoint[] = [];
  const skipped: SkippedLink[] = [];
  const noPair = String.fromCharCode(abi.REPORT_NO_PAIR);
  for (const line of tabSeparatedLines(text)) {
    const [tag, name, ...rest] = line.map(unescapeField);
    const kind = tag.charCodeAt(0);
    if (kind === abi.REPORT_ENDPOINT) {
      const [type, pair, hwAddr] = rest;
      endpoints.push({ name, type, pairIndex: pair === noPair ? null : BigInt(pair), hwAddr });
    } else if (kind === abi.REPORT_SKIPPED) {
      skipped.push({ name, reason: rest[0] });
    }
  }
  return { endpoints, skipped };
}

const TAB = 0x09;
const NEWLINE = 0x0a;

/** The non-empty lines of a core text export (report, link summary), split at tabs. By
 * hand: split() and map() allocated three arrays a line, 0.1 ms for a hundred links. */
export function tabSeparatedLines(text: string): string[][] {
  const lines: string[][] = [];
  let fields: string[] = [];
  let fieldStart = 0;
  for (let at = 0; at <= text.length; at++) {
    const code = at < text.length ? text.charCodeAt(at) : NEWLINE;
    if (code !== TAB && code !== NEWLINE) continue;
    if (code === TAB || at > fieldStart || fields.length > 0) fields.push(text.slice(fieldStart, at));
    fieldStart = at + 1;
    if (code === NEWLINE && fields.length > 0) {
      lines.push(fields);
      fields = [];
    }
  }
  return lines;
}

/** The report escapes backslash, tab and newline in its text fields (kata/report.ts). */
function unescapeField(field: string): string {
  if (!field.includes("\\")) return field;
  return field.replace(/\\(.)/g, (_, c: string) => (c === "t" ? "\t" : c === "n" ? "\n" : c));
}

/** The core's explanation codes back to the host's names. */
export interface ExplainCodes {
  kinds: ReadonlyMap<number, ExplainKind>;
  reasons: ReadonlyMap<number, DropReason>;
  changes: ReadonlyMap<number, Change>;
}

export function explainCodes(abi: CoreAbi): ExplainCodes {
  const kinds = new Map(Object.entries(EXPLAIN_KINDS).map(([kind, name]) => [abi[name], kind as ExplainKind]));
  return { kinds, reasons: namesByCode(abi, DROP_REASONS), changes: namesByCode(abi, CHANGES) };
}

export function explainRecords(bytes: Uint8Array, abi: CoreAbi, codes: ExplainCodes): ExplainRecord[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const records: ExplainRecord[] = [];
  let at = 0;
  const chunk = (): Uint8Array => {
    const length = view.getInt32(at, true);
    at += 4 + length;
    return bytes.subarray(at - length, at);
  };
  const named = <Name>(names: ReadonlyMap<number, Name>, code: number, what: string): Name => {
    const name = names.get(code);
    if (name === undefined) throw new CoreAbiError(`katanet core: explanation record at byte ${at} has ${what} ${code}, which the host does not know`);
    return name;
  };
  while (at < bytes.length) {
    const kind = named(codes.kinds, bytes[at + abi.EXPLAIN_KIND_AT], "kind");
    const reasonCode = bytes[at + abi.EXPLAIN_REASON_AT];
    const changeCode = bytes[at + abi.EXPLAIN_CHANGE_AT];
    const reason = reasonCode === abi.SENT ? null : named(codes.reasons, reasonCode, "reason");
    const change = changeCode === abi.UNCHANGED ? null : named(codes.changes, changeCode, "change");
    const detail = view.getInt32(at + abi.EXPLAIN_DETAIL_AT, true);
    at += abi.EXPLAIN_HEADER_SIZE;
    const link = decoder.decode(chunk());
    const text = decoder.decode(chunk());
    const element = elementsOf(chunk())[0]?.body ?? new Uint8Array();
    records.push({ kind, reason, change, detail, link, text, element });
  }
  return records;
}
