// The Titan contract: what each Titan service really reads, listens on and does on NATS, for one Titan
// commit. Built by scripts/titan-contract from Titan's source; read by the program and by the scripts.
// No Pulumi imports here: this file must load in plain Node.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";

/** "path/in/titan.ts:123" */
const sourceRef = z.string().regex(/^[^\s:]+:\d+$/, "expected path:line");

export const envVarSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/),
  /** The service exits or throws at start when it is missing. */
  required: z.boolean(),
  secret: z.boolean(),
  /** Value used when unset, as Titan's code spells it; absent when there is none. */
  default: z.string().optional(),
  source: sourceRef,
  /** Why an override changed what the reader found. */
  note: z.string().optional(),
});

export const streamSchema = z.strictObject({
  name: z.string().min(1),
  subjects: z.array(z.string().min(1)),
  source: sourceRef.optional(),
});

export const consumerSchema = z.strictObject({
  stream: z.string().min(1),
  durable: z.string().min(1),
  filter: z.string().optional(),
  kind: z.enum(["push", "pull"]),
  /** False when the client asks for the consumer but never gets to create it (see note). */
  created: z.boolean(),
  source: sourceRef.optional(),
  note: z.string().optional(),
});

export const natsSchema = z.strictObject({
  /** NATS user the stack gives this service; null when it does not talk to NATS. */
  user: z.string().nullable(),
  client: z.enum(["nats.js", "async-nats", "none"]),
  publish: z.array(z.string()),
  subscribe: z.array(z.string()),
  /** Subjects it sends requests to (it also needs the inbox below). */
  request: z.array(z.string()),
  inboxPrefix: z.string().nullable(),
  streamsCreated: z.array(streamSchema),
  streamsBound: z.array(z.string()),
  consumers: z.array(consumerSchema),
  /** Exact $JS.API subjects the client library sends for the calls above. */
  jsApi: z.array(z.string().startsWith("$JS.API.")),
  /** Calls the reader saw but could not resolve to a subject (file:line and the expression). */
  unresolved: z.array(z.string()),
});

export const serviceSchema = z.strictObject({
  name: z.string().min(1),
  dir: z.string().min(1),
  image: z.strictObject({
    name: z.string().min(1),
    publishedByCi: z.boolean(),
    /** docker/metadata-action tag rules Titan's CI uses, e.g. "type=sha,prefix=,format=long". */
    tags: z.array(z.string()),
    dockerfile: z.string().min(1),
    base: z.string().min(1),
    user: z.string().nullable(),
  }),
  ports: z.array(
    z.strictObject({
      port: z.number().int().min(1).max(65535),
      protocol: z.enum(["http", "websocket"]),
      path: z.string().optional(),
      source: sourceRef,
    }),
  ),
  health: z
    .strictObject({
      path: z.string().nullable(),
      startPeriodSeconds: z.number().int().min(0),
      command: z.string(),
      source: sourceRef,
    })
    .nullable(),
  env: z.array(envVarSchema),
  nats: natsSchema,
  notes: z.array(z.string()),
});

export const contractSchema = z.strictObject({
  titan: z.strictObject({
    repo: z.string().regex(/^[\w.-]+\/[\w.-]+$/),
    commit: z.string().regex(/^[0-9a-f]{40}$/, "expected a 40-hex commit"),
    registry: z.string().min(1),
  }),
  generatedBy: z.string().min(1),
  clients: z.strictObject({
    natsJs: z.string().nullable(),
    asyncNats: z.string().nullable(),
  }),
  services: z.array(serviceSchema),
});

export type TitanContract = z.infer<typeof contractSchema>;
export type TitanService = z.infer<typeof serviceSchema>;
export type TitanEnvVar = z.infer<typeof envVarSchema>;
export type TitanNats = z.infer<typeof natsSchema>;

export const CONTRACT_PATH = join(__dirname, "..", "..", "data", "titan-contract.json");

/** Parse a contract document; the message names the field that is wrong. */
export function parseTitanContract(doc: unknown, where = "titan contract"): TitanContract {
  const result = contractSchema.safeParse(doc);
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);
    throw new Error(`${where} is invalid: ${issues.join("; ")}. Regenerate it with npm run titan-contract.`);
  }
  return result.data;
}

export function loadTitanContract(path = CONTRACT_PATH): TitanContract {
  return parseTitanContract(JSON.parse(readFileSync(path, "utf8")), path);
}

export function contractService(contract: TitanContract, name: string): TitanService {
  const service = contract.services.find((s) => s.name === name);
  if (!service) {
    const known = contract.services.map((s) => s.name).join(", ");
    throw new Error(`Titan contract has no service "${name}" (known: ${known})`);
  }
  return service;
}
