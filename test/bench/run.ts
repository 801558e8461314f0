// `npm run bench`: every *.bench file beside this one, in one run. Files are found by
// listing the directory, so a new bench file takes part without being registered here.

import { readdirSync } from "node:fs";
import { dirname, extname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

interface BenchModule {
  runSuite(): Promise<void>;
}

const here = fileURLToPath(import.meta.url);
// Compiled JS runs .bench.js files, Deno running the sources runs .bench.ts ones.
const suffix = `.bench${extname(here)}`;
const benchFiles = readdirSync(dirname(here))
  .filter((file) => file.endsWith(suffix))
  .sort();

for (const file of benchFiles) {
  const module = (await import(pathToFileURL(`${dirname(here)}/${file}`).href)) as BenchModule;
  console.log(`\n== ${file} ==\n`);
  await module.runSuite();
}
