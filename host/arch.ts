// The architecture whose rules a conversion follows, named as Go's runtime.GOARCH (Kata's
// runtime branches on it). Only s390x changes the result: there an interface's device
// path is its CCW device instead of its PCI path.
import process from "node:process";

/** The architectures Kata's runtime is built for; the command line refuses others. */
export const KATA_ARCHES = ["amd64", "arm64", "ppc64le", "riscv64", "s390x"] as const;

/** Node's names where Go's differ. */
const GOARCH_OF_NODE_ARCH: Readonly<Record<string, string>> = { x64: "amd64", ppc64: "ppc64le" };

/** This machine's architecture as GOARCH names it: what a conversion follows by default. */
export const HOST_ARCH: string = GOARCH_OF_NODE_ARCH[process.arch] ?? process.arch;
