// The conversion paths the bench races: each turns one namespace dump (netlink bytes) into
// the six agent messages. Every path is checked against Go's bytes before it is timed.

import { convertNamespace, type ConversionOptions } from "../reference/convert-namespace.ts";
import { convertNamespaceWithProtobufjs } from "../reference/protobufjs-path.ts";
import type { AgentMessagesPb } from "../reference/model.ts";

export interface ConversionPath {
  name: string;
  convert(stream: Uint8Array, options: ConversionOptions): AgentMessagesPb;
}

export const plainTsPath: ConversionPath = { name: "plain TS (reference)", convert: convertNamespace };

export const protobufjsPath: ConversionPath = { name: "JS objects + protobufjs", convert: convertNamespaceWithProtobufjs };

// ── Slot (c): the Wasm path. ──────────────────────────────────────────────────────────
// Add it here once host/core.ts exists, e.g.
//   import { KatanetCore } from "../../host/core.ts";
//   const core = new KatanetCore();
//   export const wasmPath: ConversionPath = { name: "Wasm core", convert: (stream, options) => core.convert(...) };
// and list it first below; the bench then reports its ratios to both baselines.
export const conversionPaths: ConversionPath[] = [plainTsPath, protobufjsPath];
