// `npm run bench`: every *.bench file beside this one, in one run, and docs/performance.md
// rewritten from what they report. Files are found by listing the directory, so a new
// bench file takes part without being registered here.

import { readdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg, release } from "node:os";
import { dirname, extname } from "node:path";
import process from "node:process";
import { fileURLToPath, pathToFileURL } from "node:url";
import { packageFile } from "../../host/paths.ts";

interface BenchModule {
  /** The section heading in docs/performance.md. */
  title: string;
  /** Runs the measurements; returns the report: plain lines and tables. */
  runSuite(): Promise<string>;
}

const here = fileURLToPath(import.meta.url);
// Compiled JS runs .bench.js files, Deno running the sources runs .bench.ts ones.
const suffix = `.bench${extname(here)}`;
const benchFiles = readdirSync(dirname(here))
  .filter((file) => file.endsWith(suffix))
  .sort();

/** Other work on the machine moves every figure; the page says how busy it was. */
const loadAtStart = loadavg()[0];
const sections: string[] = [];
for (const file of benchFiles) {
  const module = (await import(pathToFileURL(`${dirname(here)}/${file}`).href)) as BenchModule;
  console.log(`\n== ${file} ==\n`);
  const report = await module.runSuite();
  console.log(report);
  sections.push(`## ${module.title}\n\nFrom \`test/bench/${file.replace(/\.js$/, ".ts")}\`.\n\n\`\`\`text\n${report}\n\`\`\``);
}

const runtime = "Deno" in globalThis ? `Deno ${(globalThis as { Deno?: { version: { deno: string } } }).Deno!.version.deno}` : `Node ${process.version}`;
const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? "unknown CPU"}, Linux ${release()}, ${runtime}`;
const load = `load average ${loadAtStart.toFixed(1)} when the run started, ${loadavg()[0].toFixed(1)} when it ended`;
const page = `# Performance

Written by \`npm run bench\` (tinybench and whole-process timings); do not edit by hand, the
next run rewrites it. Run on ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC: ${machine}; ${load}.
On a shared VM the figures move from run to run; ratios taken within one run are steadier
than absolute times.

${sections.join("\n\n")}
`;
writeFileSync(packageFile("docs", "performance.md"), page);
console.log("\nwritten: docs/performance.md");
