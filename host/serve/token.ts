// The shared secret for listeners off loopback. Hashing both sides first gives equal
// lengths, so timingSafeEqual compares without leaking the token's length either.
// Browsers cannot set Authorization on a WebSocket, so the token may also come as a
// subprotocol entry `base64url.bearer.<the token in base64url>`, as Kubernetes does it.

import { Buffer } from "node:buffer";
import { createHash, timingSafeEqual } from "node:crypto";
import { readFileSync } from "node:fs";

export class Token {
  private readonly digest: Buffer;

  private constructor(secret: string) {
    this.digest = sha256(secret);
  }

  /** The file's first line, without surrounding whitespace; an empty token is refused. */
  static fromFile(path: string): Token {
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch (error) {
      throw new Error(`cannot read token file ${path}: ${(error as Error).message}`);
    }
    const secret = text.split("\n")[0].trim();
    if (secret === "") throw new Error(`token file ${path} is empty; put the token on its first line`);
    return new Token(secret);
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
