// The reference's whole path, as the Wasm core runs it: netlink bytes in, Kata's
// agent messages out (or Kata's scan error, thrown as KataScanError).

import { decodeNetlinkDump } from "./decode.ts";
import { scanEndpoints } from "./endpoints.ts";
import { generateVCNetworkStructures } from "./convert.ts";
import { encodeAgentMessages } from "./encode.ts";
import type { AgentMessagesPb, NeighborRule } from "./model.ts";

export interface ConversionOptions {
  rule: NeighborRule;
  /** Guest PCI path per endpoint name, as a hypervisor assigns them. */
  pciPaths?: Record<string, string>;
}

export function convertNamespace(stream: Uint8Array, options: ConversionOptions): AgentMessagesPb {
  const { endpoints } = scanEndpoints(decodeNetlinkDump(stream), options.pciPaths);
  return encodeAgentMessages(generateVCNetworkStructures(endpoints, options.rule));
}
