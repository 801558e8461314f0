// One scan of a namespace, output formatted as pb64 and thrown away: the process that
// route-memory.ts runs under `/usr/bin/time -v`, so its peak RSS is the scan's alone.
// Usage: node dist/test/bench/scan-namespace.js NAMESPACE
import { scan } from "../../host/scan.ts";
import { writePb64 } from "../../host/format/pb64.ts";

const namespace = process.argv[2];
if (!namespace) {
  console.error("usage: scan-namespace NAMESPACE");
  process.exit(2);
}

const started = performance.now();
const conversion = scan({ netns: namespace, rules: ["seed"], dumpThread: false }); // one scan, as `katanet scan`
let pb64Length = 0;
writePb64(conversion.messages.seed!, (text) => (pb64Length += text.length));
const elapsed = performance.now() - started;
// maxRSS is the fallback measure where GNU time is missing; it is in KiB, like time's.
console.log(
  JSON.stringify({
    endpoints: conversion.endpoints.length,
    pb64Bytes: pb64Length,
    seconds: Number((elapsed / 1000).toFixed(2)),
    maxRssKiB: process.resourceUsage().maxRSS,
  }),
);
