// The page `katanet serve` answers GET / with: static files shipped in the package
// (host/serve/page/), read from where the package is installed; no build step, nothing
// fetched from elsewhere. The page connects back over the same WebSocket stream as any
// client, so the server's Origin, token and size rules hold for it too.
import { readFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { packageFile } from "../paths.ts";

const FILES: Record<string, { file: string; type: string }> = {
  "/": { file: "index.html", type: "text/html; charset=utf-8" },
  "/index.html": { file: "index.html", type: "text/html; charset=utf-8" },
  "/page.js": { file: "page.js", type: "text/javascript; charset=utf-8" },
  "/page.css": { file: "page.css", type: "text/css; charset=utf-8" },
};

/** What the page must know before it connects: whether to ask for a token. */
const CONFIG_PATH = "/page-config.json";

const HEADERS = {
  "Cache-Control": "no-store",
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
  "Referrer-Policy": "no-referrer",
  "Content-Security-Policy": "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; frame-ancestors 'none'",
};

export interface PageOptions {
  tokenRequired: boolean;
}

/** Answers a plain HTTP request: the page's files, or 426 for anything else (the stream is WebSocket). */
export function answerHttp(request: IncomingMessage, response: ServerResponse, options: PageOptions): void {
  const path = new URL(request.url ?? "/", "http://page").pathname;
  if (request.method !== "GET" && request.method !== "HEAD") {
    response.writeHead(426, { "Content-Type": "text/plain" }).end("katanet streams over WebSocket only\n");
    return;
  }
  if (path === CONFIG_PATH) {
    response.writeHead(200, { ...HEADERS, "Content-Type": "application/json" }).end(JSON.stringify({ tokenRequired: options.tokenRequired }));
    return;
  }
  const entry = FILES[path];
  if (!entry) {
    response.writeHead(426, { "Content-Type": "text/plain" }).end("katanet streams over WebSocket only; its page is at /, metrics at /metrics\n");
    return;
  }
  const body = readFileSync(packageFile("host", "serve", "page", entry.file));
  response.writeHead(200, { ...HEADERS, "Content-Type": entry.type, "Content-Length": body.length });
  response.end(request.method === "HEAD" ? undefined : body);
}
