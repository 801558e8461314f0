// The plain HTTP side of `serve`: GET /metrics (Prometheus), GET /netns (the node agent's
// namespace listing as JSON), GET /attachment (what `katanet attach` connected in the served
// namespace), which need the token when the server has one, and the live page's files
// (host/serve/page.ts), which need none: the page asks for the token itself.

import type { IncomingMessage, ServerResponse } from "node:http";
import type { ServeMetrics } from "./metrics.ts";
import { answerHttp } from "./page.ts";
import type { StreamCatalogue } from "./streams.ts";
import type { Token } from "./token.ts";

export interface RouteContext {
  token: Token | undefined;
  metrics: ServeMetrics;
  catalogue: Pick<StreamCatalogue, "listing">;
  /** The served namespace's attached endpoints (a single-namespace server only). */
  attachment?: () => unknown;
}

const PATHS = new Set(["/metrics", "/netns", "/attachment"]);

export function handleRequest(request: IncomingMessage, response: ServerResponse, context: RouteContext): void {
  const path = new URL(request.url ?? "/", "http://localhost").pathname;
  if (!PATHS.has(path)) {
    answerHttp(request, response, { tokenRequired: context.token !== undefined });
    return;
  }
  if (request.method !== "GET") {
    plain(response, 426, "katanet streams over WebSocket only (plain HTTP: GET /, GET /metrics, GET /netns)\n");
    return;
  }
  if (context.token && !context.token.acceptsAuthorization(request.headers.authorization)) {
    plain(response, 401, "missing or wrong token: send Authorization: Bearer TOKEN\n", { "WWW-Authenticate": 'Bearer realm="katanet"' });
    return;
  }
  if (path === "/attachment") {
    if (context.attachment === undefined) {
      plain(response, 404, "this server follows several namespaces; attachments are shown for one\n");
      return;
    }
    let attached: unknown;
    try {
      attached = context.attachment();
    } catch (error) {
      plain(response, 500, `cannot read the attach record: ${(error as Error).message}\n`);
      return;
    }
    response.writeHead(200, { "Content-Type": "application/json" }).end(`${JSON.stringify(attached)}\n`);
    return;
  }
  if (path === "/netns") {
    const listing = context.catalogue.listing?.();
    if (listing === undefined) plain(response, 404, "this server follows one namespace; serve --all-netns or several --netns list them\n");
    else response.writeHead(200, { "Content-Type": "application/json" }).end(`${JSON.stringify(listing)}\n`);
    return;
  }
  context.metrics.exposition().then(
    ({ contentType, text }) => response.writeHead(200, { "Content-Type": contentType }).end(text),
    (error: Error) => plain(response, 500, `metrics failed: ${error.message}\n`),
  );
}

function plain(response: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  response.writeHead(status, { "Content-Type": "text/plain; charset=utf-8", ...headers }).end(text);
}
