// No half-done state: a failure injected after each step of attach is rolled back to the
// namespace as it was, and a detach run by a fresh process after the attacher was killed
// with SIGKILL restores it too.

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import process from "node:process";
import { describe, it } from "node:test";
import { attach, AttachError, detach } from "../../host/attach/index.ts";
import { namespaceTestsSkip } from "../support/netns.ts";
import { cleanUpEachTest, createPod, namespacePicture, type Pod } from "./support.ts";

const skip = namespaceTestsSkip();

describe("attach rolls back", { skip }, () => {
  let pod: Pod | undefined;
  const track = cleanUpEachTest();

  for (const [model, queues] of [["tcfilter", 2], ["macvtap", 2]] as const) {
    it(`${model}: a failure after every step leaves the namespace as it was`, () => {
      pod = track(createPod());
      const before = namespacePicture(pod.namespace);
      const { steps } = attach({ netns: pod.namespace, model, queues, keepFds: false });
      detach({ netns: pod.namespace });
      assert.ok(steps.length >= 7, `${model} takes its steps (${steps.join(", ")})`);
      steps.forEach((step, at) => {
        assert.throws(
          () => attach({ netns: pod!.namespace, model, queues, failAfterStep: at + 1 }),
          (error: unknown) => error instanceof AttachError && unrandom(error.step) === unrandom(`after step ${at + 1} (${step})`) && error.rollbackFailures.length === 0,
        );
        assert.deepEqual(namespacePicture(pod!.namespace), before, `after a failure following step ${at + 1} (${step})`);
        assert.deepEqual(detach({ netns: pod!.namespace }), { detached: [], alreadyClean: true }, "and nothing is left to detach");
      });
    });
  }

  it("detach from a fresh process after the attaching one was killed with SIGKILL", async () => {
    pod = track(createPod());
    const before = namespacePicture(pod.namespace);
    const child = attachInChild(pod.namespace);
    const ready = await firstLine(child);
    assert.equal(ready, "attached");
    child.kill("SIGKILL");
    await new Promise((resolve) => child.once("exit", resolve));
    assert.notDeepEqual(namespacePicture(pod.namespace), before);
    assert.deepEqual(detach({ netns: pod.namespace }), { detached: ["eth0"], alreadyClean: false });
    assert.deepEqual(namespacePicture(pod.namespace), before);
  });

  it("an attacher killed after any step is rolled back by the next detach, or by the next attach", async () => {
    pod = track(createPod());
    const before = namespacePicture(pod.namespace);
    const { steps } = attach({ netns: pod.namespace, model: "macvtap", queues: 2, keepFds: false });
    detach({ netns: pod.namespace });
    for (let step = 1; step <= steps.length; step++) {
      const child = attachInChild(pod.namespace, step);
      const signal = await new Promise((resolve) => child.once("exit", (_code, signal) => resolve(signal)));
      assert.equal(signal, "SIGKILL", `the child died after step ${step}`);
      if (step % 2 === 1) {
        detach({ netns: pod.namespace });
      } else {
        assert.equal(attach({ netns: pod.namespace, model: "macvtap", keepFds: false }).existing, false, "the next attach starts over");
        detach({ netns: pod.namespace });
      }
      assert.deepEqual(namespacePicture(pod.namespace), before, `after a kill following step ${step} (${steps[step - 1]})`);
    }
  });
});

/** A step's text without what differs between runs: the private MAC, the macvtap's ifindex. */
const unrandom = (step: string) => step.replace(/MAC to \S+|\/dev\/tap\d+/g, "(random)");

/**
 * A process that attaches with the macvtap model and keeps its descriptors. With
 * `killAfterStep` it kills itself (SIGKILL) right after that step; otherwise it prints
 * "attached" and waits to be killed.
 */
function attachInChild(namespace: string, killAfterStep?: number) {
  const isDeno = "Deno" in globalThis;
  const module = new URL(`../../host/attach/index.${isDeno ? "ts" : "js"}`, import.meta.url).href;
  const code =
    `const { attach } = await import(${JSON.stringify(module)});` +
    `const process = (await import("node:process")).default;` +
    `const afterStep = (count) => { if (count === ${killAfterStep ?? -1}) process.kill(process.pid, "SIGKILL"); };` +
    `attach({ netns: ${JSON.stringify(namespace)}, model: "macvtap", queues: 2, afterStep });` +
    `console.log("attached"); setInterval(() => {}, 1000);`;
  const args = isDeno ? ["eval", code] : ["--input-type=module", "-e", code];
  return spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
}

function firstLine(child: ReturnType<typeof spawn>): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    child.stdout!.on("data", (chunk: Uint8Array) => {
      text += new TextDecoder().decode(chunk);
      if (text.includes("\n")) resolve(text.split("\n")[0]);
    });
    child.once("exit", (code) => reject(new Error(`the attaching child exited (${code}) before attaching: ${text}`)));
  });
}
