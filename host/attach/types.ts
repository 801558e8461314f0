// The attach engine's public shapes (see docs in host/attach/index.ts).
import type { AgentMessages, NeighbourRule } from "../core-types.ts";

/** How a pod link is connected to the VM; `default` is `tcfilter`, as in Kata. */
export type AttachModel = "tcfilter" | "macvtap" | "none" | "default";
export const ATTACH_MODELS: readonly AttachModel[] = ["tcfilter", "macvtap", "none", "default"];

export interface AttachOptions {
  /** NAME, path or PID, as scan() takes; the calling thread's own namespace when absent. */
  netns?: string;
  model?: AttachModel;
  /** 0 (default): a single-queue tap; N ≥ 1: IFF_MULTI_QUEUE with N queues. */
  queues?: number;
  /** Also open /dev/vhost-net once per queue. */
  vhost?: boolean;
  /** Return the VM's open descriptors (default true); false closes them (the CLI). */
  keepFds?: boolean;
  /** Attach only these endpoints (by pod interface name); default every endpoint. */
  only?: string[];
  pciPaths?: Record<string, string>;
  neighbors?: NeighbourRule;
  /** Test seam: fail right after step K (1-based) of this attach, which is then rolled back. */
  failAfterStep?: number;
  /** Test seam: called after each step is done and recorded (a test kills the process there). */
  afterStep?: (count: number, step: string) => void;
}

export interface AttachedEndpoint {
  /** The pod interface (eth0). */
  name: string;
  /** Kata's endpoint type: virtual, macvlan or ipvlan. */
  type: string;
  model: "tcfilter" | "macvtap" | "none";
  /** i in tap<i>_kata: Kata's network-pair index. */
  index: number;
  tapName: string | null;
  tapIndex: number | null;
  /** /dev/tap<ifindex>, for macvtap. */
  devicePath: string | null;
  guestMac: string;
  mtu: number;
  queues: number;
  vmFds?: number[];
  vhostFds?: number[];
}

export interface SkippedEndpoint {
  name: string;
  reason: string;
}

export interface Attachment {
  /** The namespace file. */
  netns: string;
  /** Its inode number: the state file's name. */
  namespaceId: string;
  endpoints: AttachedEndpoint[];
  skipped: SkippedEndpoint[];
  /** True when katanet had already attached this namespace; nothing was changed. */
  existing: boolean;
  /** The agent messages for the guest, by neighbour rule, as scan() gives them. */
  messages: Partial<Record<NeighbourRule, AgentMessages>>;
  /** The steps attach took, in order (empty when existing). */
  steps: string[];
}


export interface Detachment {
  /** The pod interfaces whose attachment was removed (an interrupted attach's included). */
  detached: string[];
  /** True when there was nothing to remove. */
  alreadyClean: boolean;
}
