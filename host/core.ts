// The owner of one Wasm core instance: loads the .wasm, keeps its input and output areas,
// runs a conversion and turns the core's error codes into typed errors. One owner per
// instance; it reuses its buffers from call to call.
import { readFileSync } from "node:fs";
import { instantiateSync } from "@assemblyscript/loader";
import { HOST_ARCH } from "./arch.ts";
import { packageFile } from "./paths.ts";
import { elementsOf, field1Header, wrapInField1 } from "./wire/lists.ts";
import { EXIT_BAD_INPUT, EXIT_KATA_ERROR } from "./exit-codes.ts";
import {
  CHANGES, CoreAbiError, DROP_REASONS, EXPLAIN_KINDS, namesByCode, NEIGHBOUR_SECTIONS, readCoreAbi, type Change, type CoreAbi,
  type DropReason, type ExplainKind,
} from "./core-abi.ts";

const FIRST_OUTPUT_WINDOW = 256 * 1024;
/** A list section's window at most: a million routes are written 4 MiB at a time. */
const LARGEST_LIST_WINDOW = 4 * 1024 * 1024;

export type NeighbourRule = keyof typeof NEIGHBOUR_SECTIONS;
export const NEIGHBOUR_RULES = Object.keys(NEIGHBOUR_SECTIONS) as NeighbourRule[];

interface CoreExports {
  memory: WebAssembly.Memory;
  inputArea(size: number, keep: number): number;
  outputArea(size: number, keep: number): number;
  load(inPtr: number, inLength: number, flags: number): number;
  decodeMore(inPtr: number, inLength: number): number;
  classify(inPtr: number, inLength: number, flags: number): number;
  linkSummary(outPtr: number, capacity: number): number;
  emit(section: number, outPtr: number, capacity: number): number;
  sectionLength(section: number): number;
  report(outPtr: number, capacity: number): number;
  explain(rule: number, outPtr: number, capacity: number): number;
  neededOutput(): number;
  errorCode(): number;
  errorOffset(): number;
  errorText(): number;
  errorTextLength(): number;
  errorSubject(): number;
  errorSubjectLength(): number;
  privateMAC(randomPtr: number, outPtr: number): number;
  pairName(which: number, index: bigint, outPtr: number): number;
  modelByName(ptr: number, length: number): number;
  modelText(model: number, outPtr: number): number;
  modelValid(model: number): number;
  addressFamily(family: number): number;
  macText(ptr: number, length: number, outPtr: number): number;
  ipText(ptr: number, length: number, outPtr: number): number;
}

/** The input was not what it claimed to be (truncated message, lying length, ...). */
export class MalformedInputError extends Error {
  override name = "MalformedInputError";
  readonly exitCode = EXIT_BAD_INPUT;
  /** `place` names where `offset` is for the user (a capture's message); by default the input byte. */
  constructor(readonly detail: string, readonly offset: number, place = `byte ${offset} of the input`) {
    super(offset >= 0 ? `${detail} (at ${place})` : detail);
  }
}

/** Kata itself would fail here; `message` is the Go runtime's error text, exactly. */
export class KataError extends Error {
  override name = "KataError";
  readonly exitCode = EXIT_KATA_ERROR;
  constructor(message: string, readonly interfaceName: string | null) {
    super(message);
  }
}

/** The host used the core wrongly: a bug in katanet, never the user's input. */
export class CoreUsageError extends Error {
  override name = "CoreUsageError";
}

/**
 * The core trapped or aborted: a bug in katanet. The instance is replaced by a fresh one,
 * so the owner stays usable; the input of that call is gone.
 */
export class CoreCrashError extends Error {
  override name = "CoreCrashError";
}

/** The six agent messages of one neighbour rule, as Go's deterministic marshalling gives them. */
export interface AgentMessages {
  interfaces: Uint8Array[];
  updateInterfaceRequests: Uint8Array[];
  updateRoutesRequest: Uint8Array;
  addArpNeighborsRequest: Uint8Array;
  interfacesList: Uint8Array;
  routesList: Uint8Array;
}

export interface ScanEndpoint {
  name: string;
  type: string;
  /** The network-pair index Kata derived (br{i}_kata, tap{i}_kata), null without a pair. */
  pairIndex: bigint | null;
  hwAddr: string;
}

export interface SkippedLink {
  name: string;
  /** no-addresses, loopback, already-added, or (with keepGoing) the error Kata would raise. */
  reason: string;
}

export interface Conversion {
  endpoints: ScanEndpoint[];
  skipped: SkippedLink[];
  messages: Partial<Record<NeighbourRule, AgentMessages>>;
}

/** What the converter decided about one input object (see assembly/kata/explain.ts). */
export interface ExplainRecord {
  kind: ExplainKind;
  /** Why the object is left out, by the core's name for the reason (null: sent); host/explain/rules.ts says them. */
  reason: DropReason | null;
  /** How Kata changes the object it sends (null: sent as it is). */
  change: Change | null;
  /** A number the reason refers to: a route's table, a neighbour's state, a link's flags. */
  detail: number;
  link: string;
  /** Go's error text for a link Kata would fail on, else empty. */
  text: string;
  /** The object as a list element body: Interface, IPAddress, Route or ARPNeighbor. */
  element: Uint8Array;
}

/** A decoded link as Kata's hint probes need it: name and addresses in Go's text form. */
export interface LinkSummary {
  name: string;
  addresses: string[];
}

export interface ConvertOptions {
  rules?: readonly NeighbourRule[];
  /** Leave out links Kata would reject (listed in `skipped`) instead of failing. */
  keepGoing?: boolean;
  /** GOARCH whose rules apply (default: this machine's); on s390x device paths are CCW devices. */
  arch?: string;
}

const decoder = new TextDecoder();
const encoder = new TextEncoder();

export class KatanetCore {
  private readonly module: WebAssembly.Module;
  private core: CoreExports;
  private inputLength = 0;
  /** The numbers this core's module shares with the host (host/core-abi.ts). */
  readonly abi: CoreAbi;
  private readonly explainCodes: ExplainCodes;

  constructor(wasm: BufferSource = readFileSync(packageFile("dist", "katanet.wasm"))) {
    this.module = new WebAssembly.Module(wasm);
    this.core = this.instantiate();
    this.abi = readCoreAbi(this.core as unknown as Record<string, unknown>);
    this.explainCodes = explainCodes(this.abi);
  }

  /** A fresh instance whose every call turns a trap or abort into CoreCrashError. */
  private instantiate(): CoreExports {
    const { exports } = instantiateSync<Record<string, unknown>>(this.module, {});
    const guarded: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(exports)) {
      guarded[name] = typeof value === "function" ? (...args: unknown[]) => this.guard(name, () => value(...args)) : value;
    }
    return guarded as unknown as CoreExports;
  }

  private guard<T>(name: string, call: () => T): T {
    try {
      return call();
    } catch (error) {
      this.core = this.instantiate();
      this.inputLength = 0;
      throw new CoreCrashError(`katanet core crashed in ${name}: ${(error as Error).message ?? String(error)}`);
    }
  }

  /** Bytes of Wasm memory the instance holds: the high-water mark of its inputs so far. */
  get memoryBytes(): number {
    return this.core.memory.buffer.byteLength;
  }

  /** Starts over on a fresh instance of the same module, dropping any input: Wasm memory
   * never shrinks, so this is how a core that once read a large input gives it back. */
  renew(): void {
    this.core = this.instantiate();
    this.inputLength = 0;
  }

  // ---- input ----

  /** Starts a new input; `append`/`sink` add to it. */
  resetInput(): this {
    this.inputLength = 0;
    return this;
  }

  append(bytes: Uint8Array): this {
    this.reserve(bytes.length).set(bytes);
    this.commit(bytes.length);
    return this;
  }

  /** A writable view for `size` more input bytes (netlink datagrams land here, zero copy). */
  reserve(size: number): Uint8Array {
    const ptr = this.core.inputArea(this.inputLength + size, this.inputLength);
    return new Uint8Array(this.core.memory.buffer, ptr + this.inputLength, size);
  }

  commit(size: number): void {
    this.inputLength += size;
  }

  /** The input gathered so far, as a view valid until the next call into the core. */
  inputBytes(): Uint8Array {
    return new Uint8Array(this.core.memory.buffer, this.inputPointer(), this.inputLength);
  }

  get length(): number {
    return this.inputLength;
  }

  truncate(length: number): void {
    if (length > this.inputLength) throw new RangeError(`cannot truncate ${this.inputLength} input bytes to ${length}`);
    this.inputLength = length;
  }

  // ---- conversion ----

  /** Converts the input gathered so far. */
  convert(options: ConvertOptions = {}): Conversion {
    const loaded = this.core.load(this.inputPointer(), this.inputLength, this.loadFlags(options));
    if (loaded < 0) throw this.error(loaded);
    return this.collect(options);
  }

  /**
   * Decodes the input gathered so far without Kata's rules, and lists its links: a scan
   * probes them (ethtool, vhost-user), appends the hints, then calls `classify`.
   */
  decodeLinks(): LinkSummary[] {
    const loaded = this.core.load(this.inputPointer(), this.inputLength, this.abi.LOAD_DECODE_ONLY);
    if (loaded < 0) throw this.error(loaded);
    const text = this.readText((outPtr, capacity) => this.core.linkSummary(outPtr, capacity));
    return tabSeparatedLines(text).map(([name, ...addresses]) => ({ name, addresses }));
  }

  /** Decodes what a `decodeLinks` input gained since (datagrams still arriving during a scan). */
  decodeMore(): void {
    const decoded = this.core.decodeMore(this.inputPointer(), this.inputLength);
    if (decoded < 0) throw this.error(decoded);
  }

  /** Finishes a `decodeLinks` input with what was appended since (hint records). */
  classify(options: ConvertOptions = {}): Conversion {
    const loaded = this.core.classify(this.inputPointer(), this.inputLength, this.loadFlags(options));
    if (loaded < 0) throw this.error(loaded);
    return this.collect(options);
  }

  private inputPointer(): number {
    return this.core.inputArea(this.inputLength, this.inputLength);
  }

  private collect(options: ConvertOptions): Conversion {
    const { endpoints, skipped } = this.readReport();
    // grpc.Interfaces is the list itself
    const interfacesList = this.interfaceSection();
    const routes = this.listSection(this.abi.SECTION_ROUTES);
    const interfaces = elementsOf(interfacesList);
    const messages: Conversion["messages"] = {};
    for (const rule of options.rules ?? NEIGHBOUR_RULES) {
      messages[rule] = {
        interfaces: interfaces.map((element) => element.body),
        updateInterfaceRequests: interfaces.map((element) => element.whole),
        updateRoutesRequest: routes.message,
        addArpNeighborsRequest: this.listSection(this.abi[NEIGHBOUR_SECTIONS[rule]]).message,
        interfacesList,
        routesList: routes.list,
      };
    }
    return { endpoints, skipped, messages };
  }

  /** Converts one complete input (a capture, or records built by host/wire). */
  convertBytes(input: Uint8Array, options: ConvertOptions = {}): Conversion {
    return this.resetInput().append(input).convert(options);
  }

  /**
   * A route or neighbour section as the message that wraps it in field 1
   * (UpdateRoutesRequest, AddARPNeighborsRequest), with the list itself a view into the
   * same bytes. The core knows the section's exact length before writing it, so the
   * windows it writes are copied once, straight into the final buffer.
   */
  private listSection(section: number): { message: Uint8Array; list: Uint8Array } {
    const length = this.core.sectionLength(section);
    if (length < 0) throw new CoreUsageError(`katanet core: section ${section} has no known length`);
    const header = field1Header(length);
    const message = new Uint8Array(header.length + length);
    message.set(header);
    let at = header.length;
    // One window for the whole section where it fits: a run of elements is copied whole
    // only into a window that holds it.
    this.forEachWindow(section, clamp(length, FIRST_OUTPUT_WINDOW, LARGEST_LIST_WINDOW), (bytes) => {
      if (at + bytes.length > message.length) throw new CoreUsageError(`katanet core: section ${section} wrote past its length ${length}`);
      message.set(bytes, at);
      at += bytes.length;
    });
    if (at !== message.length) throw new CoreUsageError(`katanet core: section ${section} wrote ${at - header.length} of ${length} bytes`);
    return { message, list: message.subarray(header.length) };
  }

  /** The interface section: a few elements, written whole, gathered window by window. */
  private interfaceSection(): Uint8Array {
    const windows: Uint8Array[] = [];
    this.forEachWindow(this.abi.SECTION_INTERFACES, FIRST_OUTPUT_WINDOW, (bytes) => windows.push(bytes.slice()));
    return wrapInField1(windows).list;
  }

  /** Runs `emit` over output windows until the section is done; `take` sees each window's
   * bytes (a view into Wasm memory, valid until the next call into the core). */
  private forEachWindow(section: number, firstWindow: number, take: (bytes: Uint8Array) => void): void {
    let window = firstWindow;
    for (;;) {
      const outPtr = this.core.outputArea(window, 0);
      const written = this.core.emit(section, outPtr, window);
      if (written === this.abi.ERR_OUTPUT_TOO_SMALL) {
        window = Math.max(window * 2, this.core.neededOutput());
        continue;
      }
      if (written < 0) throw this.error(written);
      if (written === 0) return;
      take(new Uint8Array(this.core.memory.buffer, outPtr, written));
    }
  }

  private readReport(): { endpoints: ScanEndpoint[]; skipped: SkippedLink[] } {
    const endpoints: ScanEndpoint[] = [];
    const skipped: SkippedLink[] = [];
    const text = this.readText((outPtr, capacity) => this.core.report(outPtr, capacity));
    const noPair = String.fromCharCode(this.abi.REPORT_NO_PAIR);
    for (const line of tabSeparatedLines(text)) {
      const [tag, name, ...rest] = line.map(unescapeField);
      const kind = tag.charCodeAt(0);
      if (kind === this.abi.REPORT_ENDPOINT) {
        const [type, pair, hwAddr] = rest;
        endpoints.push({ name, type, pairIndex: pair === noPair ? null : BigInt(pair), hwAddr });
      } else if (kind === this.abi.REPORT_SKIPPED) {
        skipped.push({ name, reason: rest[0] });
      }
    }
    return { endpoints, skipped };
  }

  /**
   * Every link, address, route and neighbour of the last conversion's input, in input
   * order, with the converter's verdict under `rule`. Call right after a conversion.
   */
  explain(rule: NeighbourRule): ExplainRecord[] {
    const section = this.abi[NEIGHBOUR_SECTIONS[rule]];
    const bytes = this.readOutput((outPtr, capacity) => this.core.explain(section, outPtr, capacity)).slice();
    return explainRecords(bytes, this.abi, this.explainCodes);
  }

  private readText(write: (outPtr: number, capacity: number) => number): string {
    return decoder.decode(this.readOutput(write));
  }

  /** Runs an export that writes whole or not at all, again with more room until it fits;
   * its bytes are a view into Wasm memory, valid until the next call into the core. */
  private readOutput(write: (outPtr: number, capacity: number) => number): Uint8Array {
    let capacity = FIRST_OUTPUT_WINDOW;
    for (;;) {
      const outPtr = this.core.outputArea(capacity, 0);
      const written = write(outPtr, capacity);
      if (written === this.abi.ERR_OUTPUT_TOO_SMALL) {
        capacity = Math.max(capacity * 2, this.core.neededOutput());
        continue;
      }
      if (written < 0) throw this.error(written);
      return new Uint8Array(this.core.memory.buffer, outPtr, written);
    }
  }

  private error(code: number): Error {
    const text = this.text(this.core.errorText(), this.core.errorTextLength());
    if (code === this.abi.ERR_MALFORMED) return new MalformedInputError(text, this.core.errorOffset());
    if (code === this.abi.ERR_KATA) {
      const subject = this.text(this.core.errorSubject(), this.core.errorSubjectLength());
      return new KataError(text, subject);
    }
    return new CoreUsageError(`katanet core: call failed with code ${code}${text ? `: ${text}` : ""}`);
  }

  private text(ptr: number, length: number): string {
    return decoder.decode(new Uint8Array(this.core.memory.buffer, ptr, length));
  }

  // ---- network.go's pure functions ----

  /** generateRandomPrivateMacAddr on six host-supplied random bytes. */
  privateMac(random: Uint8Array): string {
    if (random.length !== 6) throw new RangeError(`a MAC needs exactly 6 random bytes, got ${random.length}`);
    const ptr = this.core.outputArea(64, 0);
    new Uint8Array(this.core.memory.buffer, ptr, 6).set(random);
    const length = this.core.privateMAC(ptr, ptr + 8);
    return this.text(ptr + 8, length);
  }

  /** Go's IP.String() of an address's bytes: dotted IPv4, RFC 5952 IPv6. */
  ipText(bytes: Uint8Array): string {
    return this.format(bytes, (ptr, outPtr) => this.core.ipText(ptr, bytes.length, outPtr));
  }

  /** Go's HardwareAddr.String(): lower-case hex bytes joined by ':'. */
  macText(bytes: Uint8Array): string {
    return this.format(bytes, (ptr, outPtr) => this.core.macText(ptr, bytes.length, outPtr));
  }

  /** Copies `bytes` into Wasm memory and reads back the text a formatter writes after them. */
  private format(bytes: Uint8Array, write: (ptr: number, outPtr: number) => number): string {
    const ptr = this.core.outputArea(4 * bytes.length + 64, 0);
    new Uint8Array(this.core.memory.buffer, ptr, bytes.length).set(bytes);
    const outPtr = ptr + bytes.length;
    return this.text(outPtr, write(ptr, outPtr));
  }

  pairNames(index: bigint): { bridge: string; tap: string; virt: string } {
    const ptr = this.core.outputArea(128, 0);
    const name = (which: number) => this.text(ptr, this.core.pairName(which, BigInt.asIntN(64, index), ptr));
    return { bridge: name(this.abi.PAIR_BRIDGE), tap: name(this.abi.PAIR_TAP), virt: name(this.abi.PAIR_VIRT) };
  }

  /** SetModel: the model number for a name, or null where Go says "Unknown type NAME". */
  modelByName(name: string): number | null {
    const bytes = encoder.encode(name);
    const ptr = this.core.outputArea(bytes.length + 1, 0);
    new Uint8Array(this.core.memory.buffer, ptr, bytes.length).set(bytes);
    const model = this.core.modelByName(ptr, bytes.length);
    return model < 0 ? null : model;
  }

  modelName(model: number): string {
    const ptr = this.core.outputArea(16, 0);
    return this.text(ptr, this.core.modelText(model | 0, ptr));
  }

  modelIsValid(model: number): boolean {
    return this.core.modelValid(model | 0) !== 0;
  }

  addressFamily(family: number): "v4" | "v6" {
    return this.core.addressFamily(family | 0) === this.abi.FAMILY_V6 ? "v6" : "v4";
  }

  private loadFlags(options: ConvertOptions): number {
    const { LOAD_KEEP_GOING, LOAD_S390X } = this.abi;
    return (options.keepGoing ? LOAD_KEEP_GOING : 0) | ((options.arch ?? HOST_ARCH) === "s390x" ? LOAD_S390X : 0);
  }
}

const TAB = 0x09;
const NEWLINE = 0x0a;

/** The non-empty lines of a core text export (report, link summary), split at tabs. By
 * hand: split() and map() allocated three arrays a line, 0.1 ms for a hundred links. */
function tabSeparatedLines(text: string): string[][] {
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
interface ExplainCodes {
  kinds: ReadonlyMap<number, ExplainKind>;
  reasons: ReadonlyMap<number, DropReason>;
  changes: ReadonlyMap<number, Change>;
}

function explainCodes(abi: CoreAbi): ExplainCodes {
  const kinds = new Map(Object.entries(EXPLAIN_KINDS).map(([kind, name]) => [abi[name], kind as ExplainKind]));
  return { kinds, reasons: namesByCode(abi, DROP_REASONS), changes: namesByCode(abi, CHANGES) };
}

function explainRecords(bytes: Uint8Array, abi: CoreAbi, codes: ExplainCodes): ExplainRecord[] {
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

const clamp = (value: number, low: number, high: number): number => Math.min(Math.max(value, low), high);
