// The node agent's own envelopes (proto/katanet.proto): a namespace's status on its
// stream, and the listing of every namespace followed.

import { typeByName } from "../schema.ts";
import type { Frame } from "../serve/streams.ts";

export type NamespaceState = "starting" | "streaming" | "failed" | "deleted";

export interface NamespaceStatus {
  name: string;
  state: NamespaceState;
  /** Why it failed (it is retried), or how it ended; empty otherwise. */
  detail: string;
}

/** Go's protojson of one NamespaceStatus: enum values by name, empty strings left out. */
function statusJson(status: NamespaceStatus): Record<string, string> {
  const json: Record<string, string> = { name: status.name, state: status.state.toUpperCase() };
  if (status.detail !== "") json.detail = status.detail;
  return json;
}

/** The state by its enum name: protobufjs' fromObject gives it the .proto's number. */
function statusMessage(status: NamespaceStatus) {
  return { name: status.name, state: status.state.toUpperCase(), detail: status.detail };
}

/** An envelope made of plain values: protobufjs encodes it once, on first use. */
class ValueFrame implements Frame {
  private binaryFrame: Uint8Array | undefined;
  constructor(
    readonly kind: "namespaces" | "namespaceStatus",
    private readonly seq: bigint,
    private readonly message: object,
    private readonly jsonMessage: object,
  ) {}
  binary(): Uint8Array {
    const type = typeByName("katanet.Envelope");
    return (this.binaryFrame ??= type.encode(type.fromObject({ seq: this.seq.toString(), [this.kind]: this.message })).finish());
  }
  json(): string {
    return JSON.stringify({ seq: String(this.seq), [this.kind]: this.jsonMessage });
  }
}

/** On a namespace's stream; `seq` is that of the last change the stream carried. */
export function statusFrame(seq: bigint, status: NamespaceStatus): Frame {
  return new ValueFrame("namespaceStatus", seq, statusMessage(status), statusJson(status));
}

/** On /netns; `seq` counts the listings sent. */
export function listingFrame(seq: bigint, statuses: NamespaceStatus[]): Frame {
  return new ValueFrame("namespaces", seq, { namespaces: statuses.map(statusMessage) }, { namespaces: statuses.map(statusJson) });
}

export function listingJson(statuses: NamespaceStatus[]): { namespaces: Record<string, string>[] } {
  return { namespaces: statuses.map(statusJson) };
}
