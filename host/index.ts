// katanet as a library: `import { scan } from "katanet"`. The one public entry point; what
// is not exported here is internal and may change. One block per concern, so a new part of
// the package adds its own block.

// Reading a namespace and converting what was read.
export { scan, capture, type ScanOptions } from "./scan.ts";
export { convertCapture, convertEndpoints, convertDan } from "./convert.ts";
export type { Capture, DumpKind } from "./capture.ts";
export type { EndpointSpec } from "./dan/endpoint-spec.ts";
export type { GuestPciPaths } from "./dan/convert.ts";

// The Wasm core and its results.
export { KatanetCore } from "./core.ts";
export { NEIGHBOUR_RULES, type AgentMessages, type Conversion, type ConvertOptions, type NeighbourRule, type ScanEndpoint, type SkippedLink } from "./core-types.ts";
export { decodeMessages, toDecodedJson, type DecodedJson, type DecodedMessages } from "./format/decoded.ts";
export { toPb64, type Pb64 } from "./format/pb64.ts";
export { formatText } from "./format/text.ts";

// Why each link, address, route and neighbour is sent, dropped or changed, and what the
// guest agent would reject.
export { explain, type ExplainItem, type ExplainOptions, type ExplainSource, type Explanation, type Finding, type Mark, type Severity } from "./explain/explain.ts";

// Watching a namespace and streaming its changes.
export { watch, type Watch } from "./watch/watch.ts";
export type { WatchOptions } from "./watch/watcher.ts";
export { decodeEnvelope, encodeEnvelope, envelopeToJson, type DecodedEnvelope, type Envelope, type EnvelopeJson } from "./watch/envelope.ts";
export { serve, type Server, type ServeOptions } from "./serve/server.ts";

// The guest side: applying agent messages, once or from a stream.
export { apply, Applier, decodeMessage, parsePb64Json, type AgentRequests, type ApplyOptions, type ApplyReport } from "./apply/index.ts";
export { Follower, type FollowEvent } from "./apply/follow.ts";

// Connecting a pod's network to a VM as Kata does (tcfilter or macvtap) and taking it back
// exactly; the seed's Network as an object; hot-plug.
export {
  attach,
  attachedEndpoints,
  detach,
  ATTACH_MODELS,
  STATE_DIRECTORY,
  type AttachedEndpoint,
  type Attachment,
  type AttachModel,
  type AttachOptions,
  type Detachment,
  type DetachOptions,
  type SkippedEndpoint,
} from "./attach/index.ts";
export { openNetwork, Network, type AddEndpointsOptions, type EndpointSelector, type OpenNetworkOptions } from "./attach/network.ts";
export { EndpointFollower, type FollowOptions as HotplugOptions, type HotplugEvent } from "./attach/hotplug.ts";

// network.go's helpers; mac, pair and model are named as the CLI's commands.
export {
  addressFamily,
  createNetworkInterfacePair,
  createNetworkInterfacePair as pair,
  generatePrivateMac,
  generatePrivateMac as mac,
  modelIsValid,
  modelName,
  parseModel,
  parseModel as model,
  privateMacFromRandom,
  type NetworkInterfacePair,
} from "./network.ts";

// Errors, by what went wrong.
export { KataError, MalformedInputError, CoreUsageError, CoreCrashError } from "./core-errors.ts";
export { CoreAbiError } from "./core-abi.ts";
export { CaptureFormatError } from "./capture.ts";
export { EndpointSpecError } from "./wire/records.ts";
export { DanError } from "./dan/errors.ts";
export { UnknownModelError } from "./network.ts";
export { NamespaceError } from "./netlink/netns.ts";
export { ApplyError, ApplyInputError } from "./apply/index.ts";
export { EnvelopeError } from "./watch/envelope.ts";
export { AttachError } from "./attach/index.ts";
