// Waiting on a watch stream in tests: the next envelope that satisfies a condition, with a
// generous deadline so a slow machine fails by timeout only when nothing comes at all.

import { envelopeToJson, type EnvelopeJson } from "../../host/watch/envelope.ts";
import type { Watch } from "../../host/watch/watch.ts";

export const PATIENCE_MS = 15_000;

/** Pulls from `next` until `accept` returns a value; throws naming what it saw otherwise. */
export async function waitFor<T>(
  next: () => Promise<EnvelopeJson>,
  what: string,
  accept: (envelope: EnvelopeJson) => T | undefined,
  patienceMs = PATIENCE_MS,
): Promise<T> {
  const seen: string[] = [];
  const deadline = Date.now() + patienceMs;
  for (;;) {
    const remaining = deadline - Date.now();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no ${what} within ${patienceMs} ms; saw: ${seen.join(" | ") || "nothing"}`)), Math.max(remaining, 0));
    });
    try {
      const envelope = await Promise.race([next(), timeout]);
      const accepted = accept(envelope);
      if (accepted !== undefined) return accepted;
      seen.push(JSON.stringify(envelope).slice(0, 200));
    } finally {
      clearTimeout(timer);
    }
  }
}

/** The oneof member an envelope carries. */
export function kindOf(envelope: EnvelopeJson): string {
  return Object.keys(envelope).find((key) => key !== "seq" && key !== "skipped")!;
}

/** Reads a watch's envelopes one at a time, as JSON; throws if the watch has ended. */
export function envelopeReader(stream: () => Watch): () => Promise<EnvelopeJson> {
  return async () => {
    const result = await stream().next();
    if (result.done) throw new Error("the watch ended");
    return envelopeToJson(result.value);
  };
}
