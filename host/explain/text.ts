// explain's text form: the objects by kind in source order, one line each, the rule under
// every object that is not sent as it is, then the findings with their fixes.
import { describeObject } from "./describe.ts";
import type { Explanation, ExplainItem } from "./explain.ts";

const HEADINGS: Record<ExplainItem["kind"], string> = { link: "links", address: "addresses", route: "routes", neighbour: "neighbours" };

export function formatExplanation(explanation: Explanation): string {
  const lines: string[] = [];
  for (const [kind, heading] of Object.entries(HEADINGS)) {
    const items = explanation.items.filter((item) => item.kind === kind);
    if (items.length === 0) continue;
    lines.push(`${heading}:`);
    for (const item of items) {
      lines.push(`  ${item.mark.padEnd(8)} ${describeObject(item).replace(/^\S+ /, "")}`);
      if (item.mark !== "sent") lines.push(`           ${item.rule}: ${item.reason}`);
    }
  }
  lines.push(explanation.findings.length === 0 ? "findings: none" : "findings:");
  for (const finding of explanation.findings) {
    lines.push(`  ${finding.severity.padEnd(8)} ${finding.rule}: ${finding.objects.join("; ")}`);
    lines.push(`           fix: ${finding.fix}`);
  }
  return lines.join("\n") + "\n";
}
