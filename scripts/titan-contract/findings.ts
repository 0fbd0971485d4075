// What the readers report, before merging into the contract.
export interface EnvFinding {
  name: string;
  required: boolean;
  default?: string;
  /** path:line in Titan */
  source: string;
  /** Listed in a table of sensitive names in Titan's own code. */
  sensitive?: boolean;
}

export interface StreamFinding {
  name: string;
  subjects: string[];
  source: string;
}

export interface ConsumerFinding {
  /** Subject it consumes; the stream is the one whose subjects cover it, when not known directly. */
  subject: string;
  stream?: string;
  durable: string;
  kind: "push" | "pull";
  created: boolean;
  source: string;
  note?: string;
}

export interface Findings {
  env: EnvFinding[];
  publish: { subject: string; source: string }[];
  subscribe: { subject: string; source: string }[];
  request: { subject: string; source: string }[];
  streamsCreated: StreamFinding[];
  /** Streams it looks up by name (STREAM.INFO) */
  streamsLookedUp: { name: string; source: string }[];
  consumers: ConsumerFinding[];
  /** Calls jetstreamManager() with the default API check */
  jsmInfo: string[];
  unresolved: string[];
  usesNats: boolean;
  /** path:line of a durable JetStream subscribe whose options never set a deliver subject */
  durableWithoutDeliverTo?: string;
}

export function emptyFindings(): Findings {
  return {
    env: [],
    publish: [],
    subscribe: [],
    request: [],
    streamsCreated: [],
    streamsLookedUp: [],
    consumers: [],
    jsmInfo: [],
    unresolved: [],
    usesNats: false,
  };
}
