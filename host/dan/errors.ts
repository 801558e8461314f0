// The one error DAN conversion throws. `message` is Kata's text exactly, so it can be
// compared with the Go runtime's; `location` is what Kata does not say but a person fixing
// the file needs: where in the file the JSON decoder stopped.

import type { EndpointSpec } from "./endpoint-spec.ts";
import { EXIT_KATA_ERROR } from "../exit-codes.ts";

export interface JsonLocation {
  /** Byte offset into the file. */
  offset: number;
  /** 1-based line and byte column. */
  line: number;
  column: number;
}

export class DanError extends Error {
  /** Kata reads DAN files: whatever it rejects, JSON syntax included, is a Kata failure. */
  readonly exitCode = EXIT_KATA_ERROR;
  constructor(
    message: string,
    /** The DAN device being converted (Kata's `errorInterface`); null for file/JSON errors. */
    readonly interfaceName: string | null,
    /** For JSON errors: where the decoder stopped; null otherwise. */
    readonly location: JsonLocation | null,
    /** Endpoints Kata had appended before failing (its `n.eps`), in add order. */
    readonly endpointsBeforeError: EndpointSpec[],
  ) {
    super(message);
    this.name = "DanError";
  }
}

export function locate(bytes: Uint8Array, offset: number): JsonLocation {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < bytes.length; i++) {
    if (bytes[i] === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  return { offset, line, column: offset - lineStart + 1 };
}
