// Which endpoints attach connects and how: veth and macvlan get taps, a tuntap is listed
// with the reason and left alone; endpoints can be attached and detached one at a time
// (hot-plug), and a second attacher of the same namespace is turned away.

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { statSync, writeFileSync } from "node:fs";
import { describe, it } from "node:test";
import { attach, attachedEndpoints, AttachError, detach, STATE_DIRECTORY } from "../../host/attach/index.ts";
import { ipBatch, namespaceTestsSkip } from "../support/netns.ts";
import { cleanUpEachTest, createPod, namespacePicture, type Pod } from "./support.ts";

const skip = namespaceTestsSkip();

/** The pod plus a macvlan endpoint on eth0 and a tap with an address (a tuntap endpoint). */
function createRichPod(): Pod {
  const pod = createPod();
  ipBatch(pod.namespace, [
    "link add mv0 link eth0 address 02:00:00:00:0b:01 type macvlan mode bridge",
    "link set mv0 addrgenmode none",
    "addr add 10.40.0.2/24 dev mv0",
    "link set mv0 up",
    "tuntap add tt0 mode tap",
    "link set tt0 addrgenmode none",
    "addr add 10.50.0.2/24 dev tt0",
  ]);
  return pod;
}

describe("attach: endpoints", { skip }, () => {
  let pod: Pod | undefined;
  const track = cleanUpEachTest();

  it("connects veth and macvlan endpoints and lists a tuntap one, untouched, with the reason", () => {
    pod = track(createRichPod());
    const attachment = attach({ netns: pod.namespace, keepFds: false });
    assert.deepEqual(
      attachment.endpoints.map((endpoint) => [endpoint.name, endpoint.type, endpoint.model, endpoint.tapName]),
      [["eth0", "virtual", "tcfilter", `tap${attachment.endpoints[0].index}_kata`], ["mv0", "macvlan", "tcfilter", `tap${attachment.endpoints[1].index}_kata`]],
    );
    assert.notEqual(attachment.endpoints[0].index, attachment.endpoints[1].index);
    assert.deepEqual(attachment.skipped, [{ name: "tt0", reason: "tuntap: already a tap, which the VMM opens by name" }]);
    assert.deepEqual(attach({ netns: pod.namespace }).skipped, attachment.skipped, "an existing attachment lists them too");
  });

  it("attaches and detaches endpoints one at a time, never reusing an index", () => {
    pod = track(createRichPod());
    const before = namespacePicture(pod.namespace);
    const first = attach({ netns: pod.namespace, only: ["mv0"], keepFds: false });
    assert.deepEqual(first.endpoints.map((endpoint) => endpoint.name), ["mv0"]);
    const second = attach({ netns: pod.namespace, keepFds: false });
    assert.equal(second.existing, false);
    assert.deepEqual(second.endpoints.map((endpoint) => endpoint.name), ["eth0"]);
    assert.notEqual(second.endpoints[0].index, first.endpoints[0].index);
    const third = attach({ netns: pod.namespace, keepFds: false });
    assert.equal(third.existing, true);
    assert.deepEqual(third.endpoints.map((endpoint) => endpoint.name).sort(), ["eth0", "mv0"]);
    assert.deepEqual(detach({ netns: pod.namespace, only: ["mv0"] }), { detached: ["mv0"], alreadyClean: false });
    assert.deepEqual(attachedEndpoints(pod.namespace).map((endpoint) => endpoint.name), ["eth0"]);
    assert.deepEqual(detach({ netns: pod.namespace }), { detached: ["eth0"], alreadyClean: false });
    assert.deepEqual(attachedEndpoints(pod.namespace), []);
    assert.deepEqual(namespacePicture(pod.namespace), before);
  });

  it("turns away a second attacher while another live process holds the namespace", async () => {
    pod = track(createPod());
    const holder = spawn("sleep", ["30"], { stdio: "ignore" });
    const lock = `${STATE_DIRECTORY}/${statSync(`/var/run/netns/${pod.namespace}`).ino}.lock`;
    try {
      writeFileSync(lock, String(holder.pid));
      const before = namespacePicture(pod.namespace);
      assert.throws(
        () => attach({ netns: pod!.namespace }),
        (error: unknown) => error instanceof AttachError && error.step === "lock the namespace" && error.kernelMessage.includes(`process ${holder.pid}`),
      );
      assert.deepEqual(namespacePicture(pod.namespace), before);
    } finally {
      holder.kill();
      await new Promise((resolve) => holder.once("exit", resolve));
    }
    assert.equal(attach({ netns: pod.namespace, keepFds: false }).existing, false, "a dead holder's lock is taken over");
  });
});
