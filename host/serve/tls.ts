// `serve --tls-cert F --tls-key F`: the same server over TLS (wss://). Without both files
// it is plain HTTP. The TLS handshake gets the same few seconds an upgrade does.

import { readFileSync } from "node:fs";
import { createServer as createHttpServer, type RequestListener, type Server } from "node:http";
import { createServer as createHttpsServer } from "node:https";

export interface TlsFiles {
  /** PEM certificate chain. */
  certFile?: string;
  /** PEM private key. */
  keyFile?: string;
}

/** The certificate and key, or undefined for plain HTTP; throws naming a missing or unreadable file. */
export function readTlsFiles(files: TlsFiles): { cert: Buffer; key: Buffer } | undefined {
  if (files.certFile === undefined && files.keyFile === undefined) return undefined;
  if (files.certFile === undefined || files.keyFile === undefined) throw new Error("TLS needs both --tls-cert and --tls-key");
  return { cert: readPem(files.certFile, "certificate"), key: readPem(files.keyFile, "key") };
}

export function createStreamServer(files: TlsFiles, handshakeTimeoutMs: number, listener: RequestListener): { server: Server; secure: boolean } {
  const tls = readTlsFiles(files);
  if (tls === undefined) return { server: createHttpServer(listener), secure: false };
  return { server: createHttpsServer({ ...tls, handshakeTimeout: handshakeTimeoutMs }, listener), secure: true };
}

function readPem(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new Error(`cannot read the TLS ${what} file ${path}: ${code === "ENOENT" ? "no such file" : (error as Error).message}`);
  }
}
