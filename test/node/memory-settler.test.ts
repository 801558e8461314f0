import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { KatanetCore } from "../../host/core.ts";
import { MemorySettler } from "../../host/node/memory-settler.ts";

describe("memory settler", () => {
  it("gives a grown core's memory back once the loop is idle after enough work", async () => {
    const core = new KatanetCore();
    const fresh = core.memoryBytes;
    core.append(new Uint8Array(8 * 1024 * 1024));
    const grown = core.memoryBytes;
    assert.ok(grown > fresh + 8 * 1024 * 1024, `${grown} bytes after an 8 MiB input, ${fresh} fresh`);
    const renewed = new Promise<void>((resolve) => {
      const renew = core.renew.bind(core);
      core.renew = () => (renew(), resolve());
    });

    const settler = new MemorySettler(() => core, 20);
    settler.worked(60);
    await renewed;
    assert.equal(core.memoryBytes, fresh);
    assert.equal(core.length, 0, "the input went with the old instance");
    settler.stop();
  });
});
