// Spans for katanet's steps, tagged as Kata's runtime tags its network spans (networkTrace:
// "subsystem", "source", then "type", "endpoint" and, on failure, "error" with the error's
// text). Only @opentelemetry/api is used: until the application registers a tracer
// provider, the API hands out non-recording spans and a span costs a few calls.
//
// The hook for other parts of katanet (attach/detach): wrap the step in `traced` or
// `tracedAsync` with its span name and tags, e.g.
//   tracedAsync("attach", { endpoint: name, type: "veth" }, () => attachNow(...))
// It becomes a child of whatever span is active, and the spans it starts become its children.
import { context, SpanStatusCode, trace, type Attributes, type Span } from "@opentelemetry/api";

const tracer = trace.getTracer("katanet");

/** Every span's tags, after Kata's networkTracingTags. */
const COMMON_TAGS: Attributes = { source: "katanet", subsystem: "network" };

/** Runs `work` in a span named `name`, active while it runs; a failure is tagged and rethrown. */
export function traced<T>(name: string, tags: Attributes, work: (span: Span) => T): T {
  return tracer.startActiveSpan(name, { attributes: { ...COMMON_TAGS, ...tags } }, (span) => {
    try {
      return work(span);
    } catch (error) {
      markFailed(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

/** `traced` for asynchronous work: the span ends when the promise settles. */
export function tracedAsync<T>(name: string, tags: Attributes, work: (span: Span) => Promise<T>): Promise<T> {
  return tracer.startActiveSpan(name, { attributes: { ...COMMON_TAGS, ...tags } }, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      markFailed(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

/** A span started now and ended by the caller, a child of the active one: for steps whose
 * start and end are in different callbacks. */
export function startSpan(name: string, tags: Attributes): Span {
  return tracer.startSpan(name, { attributes: { ...COMMON_TAGS, ...tags } }, context.active());
}

/** Kata's closeSpan: the error's text as the "error" tag; the status and exception too, for OpenTelemetry's tools. */
export function markFailed(span: Span, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  span.setAttribute("error", message);
  span.setStatus({ code: SpanStatusCode.ERROR, message });
  if (error instanceof Error) span.recordException(error);
}

/** Tags a span with the endpoints a conversion produced, as Kata's AddEndpoints span lists them. */
export function tagConversion<T extends { endpoints: readonly { name: string }[] }>(span: Span, conversion: T): T {
  if (span.isRecording()) span.setAttribute("endpoints", conversion.endpoints.map((endpoint) => endpoint.name));
  return conversion;
}
