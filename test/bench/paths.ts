// The conversion paths the bench races: each turns one namespace dump (netlink bytes and
// the hypervisor's PCI paths) into the six agent messages under the seed rule. A path
// builds its input once, untimed, and hands back the conversion to time.

import { KatanetCore } from "../../host/core.ts";
import { captureInput } from "../../host/capture.ts";
import { captureStream, type NetlinkCapture } from "../reference/capture.ts";
import { convertNamespace } from "../reference/convert-namespace.ts";
import { convertNamespaceWithProtobufjs } from "../reference/protobufjs-path.ts";
import type { AgentMessagesPb } from "../reference/model.ts";

export interface Namespace {
  netlink: NetlinkCapture;
  pciPaths: Record<string, string>;
}

export interface ConversionPath {
  name: string;
  prepare(namespace: Namespace): () => AgentMessagesPb;
}

export const plainTsPath: ConversionPath = {
  name: "plain TS (reference)",
  prepare({ netlink, pciPaths }) {
    const stream = captureStream(netlink);
    return () => convertNamespace(stream, { rule: "seed", pciPaths });
  },
};

export const protobufjsPath: ConversionPath = {
  name: "JS objects + protobufjs",
  prepare({ netlink, pciPaths }) {
    const stream = captureStream(netlink);
    return () => convertNamespaceWithProtobufjs(stream, { rule: "seed", pciPaths });
  },
};

/** The production path. Its input is copied into Wasm memory on every call, which a live
 * scan avoids by receiving datagrams there directly. */
export const wasmPath: ConversionPath = {
  name: "Wasm core",
  prepare(namespace) {
    const core = new KatanetCore();
    const input = captureInput(namespace, core.abi).bytes;
    return () => {
      const seed = core.convertBytes(input, { rules: ["seed"] }).messages.seed;
      if (!seed) throw new Error("Wasm core: no seed messages");
      return seed;
    };
  },
};

export const conversionPaths: ConversionPath[] = [wasmPath, plainTsPath, protobufjsPath];
