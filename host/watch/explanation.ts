// An explanation as the stream carries it (katanet.Explanation): each object as the one
// line `ip` would show, so a page can list dropped objects without decoding agent messages.
import { describeObject } from "../explain/describe.ts";
import type { Explanation, Finding } from "../explain/explain.ts";

export interface ExplainedItemMessage {
  kind: string;
  link: string;
  mark: string;
  rule: string;
  reason: string;
  object: string;
  message: string;
}

export interface ExplanationMessage {
  items: ExplainedItemMessage[];
  findings: Finding[];
}

export function explanationMessage(explanation: Explanation): ExplanationMessage {
  return {
    items: explanation.items.map((item) => ({
      kind: item.kind,
      link: item.link,
      mark: item.mark,
      rule: item.rule,
      reason: item.reason,
      object: describeObject(item),
      message: item.message ?? "",
    })),
    findings: explanation.findings,
  };
}
