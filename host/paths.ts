// Files the host reads from the package itself (the built .wasm, the .proto schema). This
// module runs from host/ as TypeScript (Deno) and from dist/host/ once compiled (Node).
import { statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

let root: string | undefined;

/** The package root: the nearest directory above this module that holds package.json. */
export function packageRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!isFile(join(dir, "package.json"))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`katanet: no package.json above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
  root = dir;
  return dir;
}

export function packageFile(...parts: string[]): string {
  return join(packageRoot(), ...parts);
}

/** stat, not access(2): access checks the real uid without capabilities, so a process
 * that may read the package (CAP_DAC_READ_SEARCH) would not find it. */
function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
