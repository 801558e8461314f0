// katanet attach / detach through the command line: what is printed for the VMM and the
// agent, `none` creating nothing, repeats exiting 0, and the descriptors closed.

import assert from "node:assert/strict";
import process from "node:process";
import { after, afterEach, describe, it } from "node:test";
import { main } from "../../host/cli.ts";
import type { CliIO } from "../../host/cli/command.ts";
import { assertCleanState, ip, namespaceTestsSkip } from "../support/netns.ts";
import { createPod, namespacePicture, POD_MAC, type Pod } from "./support.ts";

const skip = namespaceTestsSkip();

async function katanet(...args: string[]): Promise<{ exit: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const io: CliIO = { out: (text) => void (out += text), err: (text) => void (err += text), readStdin: async () => new Uint8Array(0), stopped: new Promise(() => {}) };
  const exit = await main(args, io);
  return { exit, out, err };
}

describe("katanet attach / detach", { skip }, () => {
  let pod: Pod | undefined;
  afterEach(async () => {
    if (pod) await katanet("detach", "--netns", pod.namespace);
    pod?.delete();
    pod = undefined;
  });
  after(assertCleanState);

  it("prints each endpoint for the VMM and the agent messages, as JSON", async () => {
    pod = createPod();
    const { exit, out } = await katanet("attach", "--netns", pod.namespace, "--model", "macvtap", "--queues", "2", "--format", "json");
    assert.equal(exit, 0);
    const printed = JSON.parse(out);
    assert.equal(printed.existing, false);
    const [endpoint] = printed.endpoints;
    assert.deepEqual([endpoint.name, endpoint.type, endpoint.model, endpoint.tapName, endpoint.guestMac, endpoint.mtu, endpoint.queues], ["eth0", "virtual", "macvtap", "tap0_kata", POD_MAC, 1400, 2]);
    assert.equal(endpoint.devicePath, `/dev/tap${endpoint.tapIndex}`);
    assert.equal(endpoint.vmFds, undefined, "the command closes its descriptors");
    assert.equal(printed.agent.interfaces[0].hwAddr, POD_MAC);
    const again = await katanet("attach", "--netns", pod.namespace);
    assert.equal(again.exit, 0);
    assert.match(again.out, /already attached, nothing changed/);
    const recorded = JSON.parse((await katanet("attach", "--netns", pod.namespace, "--format", "json")).out);
    assert.equal(recorded.existing, true);
    assert.deepEqual(recorded.agent, printed.agent, "a fresh process reports the agent messages the attach recorded");
  });

  it("prints text with the tap, and the agent's view", async () => {
    pod = createPod();
    const { exit, out } = await katanet("attach", "--netns", pod.namespace);
    assert.equal(exit, 0);
    assert.match(out, /^eth0 \(virtual\) model tcfilter\n {2}tap tap0_kata ifindex \d+\n {2}guest mac 02:00:00:00:0a:01 mtu 1400 queues 0$/m);
    assert.match(out, /agent messages:\neth0: /);
    assert.match(ip(["-n", pod.namespace, "link", "show", "tap0_kata"]), /tap0_kata/);
  });

  it("--model none creates nothing and says so", async () => {
    pod = createPod();
    const before = namespacePicture(pod.namespace);
    const { exit, out } = await katanet("attach", "--netns", pod.namespace, "--model", "none");
    assert.equal(exit, 0);
    assert.match(out, /eth0 \(virtual\) model none: nothing created, the VM shares the host network/);
    assert.deepEqual(namespacePicture(pod.namespace), before);
  });

  it("KATANET_ATTACH_FAIL_AFTER=K fails after step K, exit 1, and leaves the namespace as it was", async () => {
    pod = createPod();
    const before = namespacePicture(pod.namespace);
    process.env.KATANET_ATTACH_FAIL_AFTER = "2";
    try {
      const { exit, out, err } = await katanet("attach", "--netns", pod.namespace);
      assert.deepEqual({ exit, out }, { exit: 1, out: "" });
      assert.equal(err, 'katanet attach: step "after step 2 (set tap0_kata MTU 1400)" on tap0_kata failed: failure injected by the test seam\n');
    } finally {
      delete process.env.KATANET_ATTACH_FAIL_AFTER;
    }
    assert.deepEqual(namespacePicture(pod.namespace), before);
  });

  it("detach twice: the second exits 0 and says nothing was attached", async () => {
    pod = createPod();
    await katanet("attach", "--netns", pod.namespace);
    assert.deepEqual(await katanet("detach", "--netns", pod.namespace), { exit: 0, out: "detached: eth0\n", err: "" });
    assert.deepEqual(await katanet("detach", "--netns", pod.namespace), { exit: 0, out: "nothing attached: nothing changed\n", err: "" });
  });
});
