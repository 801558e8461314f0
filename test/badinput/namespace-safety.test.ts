// The helper every namespace test ends with must see a thread left in another namespace,
// not just the calling thread: here the calling thread is the one inside, so every other
// thread of the process shows up as elsewhere.
import { test } from "node:test";
import assert from "node:assert/strict";
import { inNamespace } from "../../host/netlink/netns.ts";
import { assertCleanState, createNamespace, deleteNamespaces, namespaceTestsSkip, threadsElsewhere } from "../support/netns.ts";

test("threadsElsewhere sees threads in a different namespace, and none once back", { skip: namespaceTestsSkip() }, () => {
  const namespace = createNamespace();
  try {
    const whileInside = inNamespace(namespace, () => threadsElsewhere());
    assert.ok(whileInside.length > 0, "node always runs helper threads beside the main one");
    assert.deepEqual(threadsElsewhere(), []);
  } finally {
    deleteNamespaces(namespace);
  }
  assertCleanState();
});

test("assertCleanState names a namespace left behind", { skip: namespaceTestsSkip() }, () => {
  const namespace = createNamespace();
  try {
    assert.throws(() => assertCleanState(), new RegExp(`namespaces left behind: ${namespace}`));
  } finally {
    deleteNamespaces(namespace);
  }
  assertCleanState();
});
