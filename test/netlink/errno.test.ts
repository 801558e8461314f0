// errno names come from the runtime (os.constants.errno), the same in Node and in Deno.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Errno, errnoName } from "../../host/netlink/errno.ts";

describe("errno names", () => {
  it("names the errors netlink and the syscalls report", () => {
    assert.equal(errnoName(2), "ENOENT");
    assert.equal(errnoName(17), "EEXIST");
    assert.equal(errnoName(61), "ENODATA");
    assert.equal(errnoName(105), "ENOBUFS");
  });

  it("gives a number two names share the name Node uses in its own errors", () => {
    assert.equal(errnoName(11), "EAGAIN");
    assert.equal(errnoName(95), "ENOTSUP");
  });

  it("says the number of an errno the runtime does not name", () => {
    assert.equal(errnoName(133), "errno 133");
    assert.equal(errnoName(0), "errno 0");
  });

  it("gives the numbers by name", () => {
    assert.equal(Errno.ENOENT, 2);
    assert.equal(Errno.ENOBUFS, 105);
    assert.equal(errnoName(Errno.EINVAL), "EINVAL");
  });
});
