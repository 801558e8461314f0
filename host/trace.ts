// Spans for katanet's steps, tagged as Kata's runtime tags its network spans (networkTrace:
// "subsystem", "source", then "type", "endpoint(s)" and, on failure, "error" with the
// error's text). Only @opentelemetry/api is used, and only once the application has
// registered something with it: importing the API costs a one-shot command tens of
// milliseconds, and until a tracer provider is registered no span records anyway.
//
// The hook for other parts of katanet (attach/detach): wrap the step in `traced` or
// `tracedAsync` with its span name and tags, e.g.
//   tracedAsync("attach", { endpoint: name, type: "veth" }, () => attachNow(...))
// It becomes a child of whatever span is active, and the spans it starts become its children.
import { createRequire } from "node:module";
import type { Attributes, Span } from "@opentelemetry/api";

type Api = typeof import("@opentelemetry/api");

/** Where @opentelemetry/api 1.x keeps what an application registered (a tracer provider, a
 * context manager), shared by every copy of the API in the process. Absent: nothing was. */
export const OTEL_REGISTRATIONS = Symbol.for("opentelemetry.js.api.1");
const require = createRequire(import.meta.url);
let api: Api | undefined;

/** The API while the application has something registered with it; undefined while no span could record. */
function registeredApi(): Api | undefined {
  if (!(OTEL_REGISTRATIONS in globalThis)) return undefined;
  api ??= require("@opentelemetry/api") as Api;
  return api;
}

/** Every span's tags, after Kata's networkTracingTags. */
const COMMON_TAGS: Attributes = { source: "katanet", subsystem: "network" };

/** Runs `work` in a span named `name`, active while it runs; a failure is tagged and
 * rethrown. `work` gets no span while tracing is off. */
export function traced<T>(name: string, tags: Attributes, work: (span?: Span) => T): T {
  const otel = registeredApi();
  if (otel === undefined) return work();
  return tracer(otel).startActiveSpan(name, { attributes: { ...COMMON_TAGS, ...tags } }, (span) => {
    try {
      return work(span);
    } catch (error) {
      markFailed(otel, span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

/** `traced` for asynchronous work: the span ends when the promise settles. */
export function tracedAsync<T>(name: string, tags: Attributes, work: (span?: Span) => Promise<T>): Promise<T> {
  const otel = registeredApi();
  if (otel === undefined) return work();
  return tracer(otel).startActiveSpan(name, { attributes: { ...COMMON_TAGS, ...tags } }, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      markFailed(otel, span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

/** Tags a span with the endpoints a conversion produced, as Kata's AddEndpoints span lists them. */
export function tagConversion<T extends { endpoints: readonly { name: string }[] }>(span: Span | undefined, conversion: T): T {
  if (span?.isRecording()) span.setAttribute("endpoints", conversion.endpoints.map((endpoint) => endpoint.name));
  return conversion;
}

function tracer(otel: Api) {
  return otel.trace.getTracer("katanet");
}

/** Kata's closeSpan: the error's text as the "error" tag; the status and exception too, for OpenTelemetry's tools. */
function markFailed(otel: Api, span: Span, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  span.setAttribute("error", message);
  span.setStatus({ code: otel.SpanStatusCode.ERROR, message });
  if (error instanceof Error) span.recordException(error);
}
