// The agent side of katanet: apply Kata agent requests to a network namespace.
export { apply, Applier, type ApplyOptions } from "./apply.ts";
export { ApplyInputError, decodeMessage, parsePb64Json, type AgentRequests } from "./input.ts";
export { ApplyError, type ApplyReport } from "./steps.ts";
