// Tracing as an application sees it: with a tracer provider registered, scan, generate,
// the netlink dumps and apply leave spans with Kata's network tags, nested under the span
// the application has open, and a failure is tagged "error" with its text.
import { after, before, beforeEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import { context, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { apply } from "../../host/apply/index.ts";
import { attach, detach } from "../../host/attach/index.ts";
import { convertEndpoints } from "../../host/convert.ts";
import { MalformedInputError } from "../../host/core-errors.ts";
import { NamespaceError } from "../../host/netlink/netns.ts";
import { scan } from "../../host/scan.ts";
import { createNamespace, deleteNamespaces, ipBatch, namespaceTestsSkip, QUIET_VETH_PAIR, uniqueNamespaceName } from "../support/netns.ts";

const exporter = new InMemorySpanExporter();
const contextManager = new AsyncLocalStorageContextManager().enable();
context.setGlobalContextManager(contextManager);
trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
after(() => {
  trace.disable();
  context.disable();
});
beforeEach(() => exporter.reset());

const application = trace.getTracer("the application");

/** Runs `work` under an application span; returns the spans katanet made below it. */
function spansUnder(work: () => void): { root: ReadableSpan; spans: ReadableSpan[] } {
  application.startActiveSpan("request", (span) => {
    try {
      work();
    } finally {
      span.end();
    }
  });
  return finishedSpans();
}

async function spansUnderAsync(work: () => Promise<unknown>): Promise<{ root: ReadableSpan; spans: ReadableSpan[] }> {
  await application.startActiveSpan("request", async (span) => {
    try {
      await work();
    } finally {
      span.end();
    }
  });
  return finishedSpans();
}

function finishedSpans(): { root: ReadableSpan; spans: ReadableSpan[] } {
  const spans = exporter.getFinishedSpans();
  const root = spans.find((span) => span.name === "request")!;
  return { root, spans: spans.filter((span) => span !== root) };
}

const parentOf = (span: ReadableSpan): string | undefined => span.parentSpanContext?.spanId;
const idOf = (span: ReadableSpan): string => span.spanContext().spanId;

describe("spans", { skip: namespaceTestsSkip() }, () => {
  let namespace = "";
  before(() => {
    namespace = createNamespace();
    ipBatch(namespace, [...QUIET_VETH_PAIR, "addr add 10.1.0.1/24 dev veth0", "route add 10.2.0.0/16 via 10.1.0.254 dev veth0"]);
  });
  after(() => deleteNamespaces(namespace));

  test("a scan: one span under the application's, with the four dumps and generate below it", () => {
    const { root, spans } = spansUnder(() => scan({ netns: namespace, dumpThread: false }));
    const scanSpan = spans.find((span) => span.name === "scan");
    assert.ok(scanSpan, `no scan span among ${spans.map((span) => span.name).join(", ")}`);
    assert.equal(parentOf(scanSpan), idOf(root));
    assert.deepEqual(scanSpan.attributes, { source: "katanet", subsystem: "network", netns: namespace, endpoints: ["veth0"] });
    const children = spans.filter((span) => parentOf(span) === idOf(scanSpan));
    assert.deepEqual(
      children.map((span) => [span.name, span.attributes.type]),
      [["dump", "links"], ["dump", "addrs"], ["dump", "routes"], ["dump", "neighs"], ["generate", undefined]],
    );
    assert.deepEqual(children.at(-1)!.attributes.endpoints, ["veth0"]);
    assert.ok(spans.every((span) => span.attributes.error === undefined));
  });

  test("attach and detach: a span each, the attach's scan below it", () => {
    const { root, spans } = spansUnder(() => {
      attach({ netns: namespace, keepFds: false });
      detach({ netns: namespace });
    });
    const [attachSpan, detachSpan] = ["attach", "detach"].map((name) => spans.find((span) => span.name === name));
    assert.ok(attachSpan && detachSpan, `spans: ${spans.map((span) => span.name).join(", ")}`);
    assert.deepEqual([parentOf(attachSpan), parentOf(detachSpan)], [idOf(root), idOf(root)]);
    assert.deepEqual([attachSpan.attributes.netns, attachSpan.attributes.model, detachSpan.attributes.netns], [namespace, "default", namespace]);
    assert.ok(spans.some((span) => span.name === "scan" && parentOf(span) === idOf(attachSpan)), "the attach's scan is its child");
  });

  test("apply: a span with the namespace", async () => {
    const { root, spans } = await spansUnderAsync(() => apply({ interfaces: [], routes: undefined, neighbours: [] }, { netns: namespace }));
    assert.deepEqual(spans.map((span) => [span.name, parentOf(span) === idOf(root), span.attributes.netns]), [["apply", true, namespace]]);
  });
});

describe("a failure", () => {
  test("tags the span it happened in, and each one around it, with the error's text", () => {
    const missing = uniqueNamespaceName();
    let thrown: unknown;
    spansUnder(() => assert.throws(() => scan({ netns: missing, dumpThread: false }), (error) => (thrown = error) instanceof NamespaceError));
    const [scanSpan] = exporter.getFinishedSpans().filter((span) => span.name === "scan");
    assert.equal(scanSpan.attributes.error, (thrown as Error).message);
    assert.equal(scanSpan.status.code, 2 /* SpanStatusCode.ERROR */);
  });

  test("in generate, outside any application span", () => {
    const spec = { name: "eth0", type: "veth", hwAddr: "", pciPath: "", iface: { mtu: 1500, rawFlags: 0 }, addrs: [], routes: [], neighbors: [] };
    assert.throws(() => convertEndpoints([spec], { arch: "s390x", ccwDevices: { eth0: "0.9.0001" } }), MalformedInputError);
    const [generate] = exporter.getFinishedSpans();
    assert.equal(generate.name, "generate");
    assert.equal(generate.parentSpanContext, undefined);
    assert.match(String(generate.attributes.error), /Subchannel set ID 9 should be in range \[0\.\.3\]/);
  });
});
