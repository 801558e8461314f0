// The attach engine: connect a pod's network namespace to a VM as Kata does (tcfilter or
// macvtap), and take it back exactly. See docs/design.md and README "Connecting a VM".
export { attach } from "./attach.ts";
export { attachedEndpoints, detach, type DetachOptions } from "./detach.ts";
export { AttachError } from "./errors.ts";
export { STATE_DIRECTORY } from "./state.ts";
export { ATTACH_MODELS } from "./types.ts";
export type { AttachedEndpoint, Attachment, AttachModel, AttachOptions, Detachment, SkippedEndpoint } from "./types.ts";
