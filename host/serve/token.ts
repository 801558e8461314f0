// The shared secret for listeners off loopback. Hashing both sides first gives equal
// lengths, so timingSafeEqual compares without leaking the token's length either.

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
    // Compared even when absent, so a missing header takes as long as a wrong one.
    return timingSafeEqual(this.digest, sha256(presented)) && presented !== "";
  }
}

function sha256(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}
