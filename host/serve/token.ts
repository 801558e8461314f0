// The shared secret for listeners off loopback. Hashing both sides first gives equal
// lengths, so timingSafeEqual compares without leaking the token's length either.
// Browsers cannot set Authorization on a WebSocket, so the token may also come as a
// subprotocol entry `base64url.bearer.<the token in base64url>`, as Kubernetes does it.

import { Buffer } from "node:buffer";
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
    return this.matches(presented);
  }

  /** Checks the subprotocols a client offered for a `base64url.bearer.` entry. */
  acceptsSubprotocols(offered: readonly string[]): boolean {
    const entry = offered.find((name) => name.startsWith(TOKEN_SUBPROTOCOL_PREFIX)) ?? "";
    return this.matches(Buffer.from(entry.slice(TOKEN_SUBPROTOCOL_PREFIX.length), "base64url").toString("utf8"));
  }

  private matches(presented: string): boolean {
    // Compared even when absent, so a missing token takes as long as a wrong one.
    return timingSafeEqual(this.digest, sha256(presented)) && presented !== "";
  }
}

export const TOKEN_SUBPROTOCOL_PREFIX = "base64url.bearer.";

function sha256(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}
