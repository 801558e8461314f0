// The owner of one Wasm core instance: loads the .wasm, keeps its input and output areas,
// runs a conversion and turns the core's error codes into typed errors. One owner per
// instance; it reuses its buffers from call to call.
import { readFileSync } from "node:fs";
import { instantiateSync } from "@assemblyscript/loader";
import { HOST_ARCH } from "./arch.ts";
import { packageFile } from "./paths.ts";
import { elementsOf, field1Header, wrapInField1 } from "./wire/lists.ts";
import { NEIGHBOUR_SECTIONS, readCoreAbi, type CoreAbi } from "./core-abi.ts";
import { CoreCrashError, CoreUsageError, KataError, MalformedInputError } from "./core-errors.ts";
import { explainCodes, explainRecords, parseReport, tabSeparatedLines, type ExplainCodes } from "./core-output.ts";
import { NEIGHBOUR_RULES, type Conversion, type ConvertOptions, type ExplainRecord, type LinkSummary, type NeighbourRule, type ScanEndpoint, type SkippedLink } from "./core-types.ts";

const FIRST_OUTPUT_WINDOW = 256 * 1024;
/** A list section's window at most: a million routes are written 4 MiB at a time. */
const LARGEST_LIST_WINDOW = 4 * 1024 * 1024;

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
    return parseReport(this.readText((outPtr, capacity) => this.core.report(outPtr, capacity)), this.abi);
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

const clamp = (value: number, low: number, high: number): number => Math.min(Math.max(value, low), high);
