// A watch envelope as a stream frame: its two encodings, each made at most once however
// many clients get it.

import { encodeEnvelope, envelopeToJson, type Envelope } from "../watch/envelope.ts";
import type { Frame } from "./streams.ts";

export class EnvelopeFrame implements Frame {
  private binaryFrame: Uint8Array | undefined;
  private jsonFrame: string | undefined;
  constructor(private readonly envelope: Envelope) {}
  get kind(): string {
    return this.envelope.kind;
  }
  binary(): Uint8Array {
    return (this.binaryFrame ??= encodeEnvelope(this.envelope));
  }
  json(): string {
    return (this.jsonFrame ??= JSON.stringify(envelopeToJson(this.envelope)));
  }
}
