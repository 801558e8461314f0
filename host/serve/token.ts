// The shared secret for listeners off loopback. Hashing both sides first gives equal
// lengths, so timingSafeEqual compares without leaking the token's length either.

import { createHash, timingSafeEqual } from "node:crypto";
import { readTokenFile, type TokenFileOptions } from "./token-file.ts";

export class Token {
  private readonly digest: Buffer;

  private constructor(secret: string) {
    this.digest = sha256(secret);
  }

  /** The token of a token file, read by the rule in token-file.ts. */
  static fromFile(path: string, options: TokenFileOptions = {}): Token {
    return new Token(readTokenFile(path, options));
  }

  /** Checks an `Authorization: Bearer TOKEN` header value. */
  acceptsAuthorization(header: string | undefined): boolean {
    const presented = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "")?.[1] ?? "";
    // Compared even when absent, so a missing header takes as long as a wrong one.
    return timingSafeEqual(this.digest, sha256(presented)) && presented !== "";
  }
}

function sha256(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}
