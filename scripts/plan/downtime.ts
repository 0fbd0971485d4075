import { readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";

const step = z.object({ seconds: z.number().nonnegative(), source: z.string().min(10) });

/** The parts of data/deploy-latencies.json a replacement's downtime is made of. */
const latencySchema = z.object({
  asOf: z.string(),
  steps: z.object({ containerStartHealthy: step }).loose(),
  replacement: z.object({
    containerStop: step,
    containerRemove: step,
    healthyByService: z.array(step.extend({ match: z.string().min(1) })),
  }),
});
export type ReplacementLatencies = z.infer<typeof latencySchema>;

/** The repository's own data, wherever `--dir` points the plan. */
const DATA = join(__dirname, "..", "..", "data", "deploy-latencies.json");

export function readReplacementLatencies(path = DATA): ReplacementLatencies {
  return latencySchema.parse(JSON.parse(readFileSync(path, "utf8")));
}

/** Docker's stop grace when a container sets none; pulumi-docker's wait_timeout default. */
const DOCKER_STOP_DEFAULT = 10;
const PROVIDER_WAIT_DEFAULT = 60;

export type Downtime =
  | { kind: "never-started" }
  | {
      kind: "down";
      expectedSeconds: number;
      /** stopTimeout + waitTimeout: past it `pulumi up` fails (when the container waits for health). */
      boundSeconds?: number;
      parts: { stop: number; remove: number; healthy: number; stopTimeout: number; waitTimeout?: number };
    };

/** Expected downtime of a delete-before-replace container, from its new inputs. */
export function containerDowntime(inputs: Record<string, unknown>, table: ReplacementLatencies): Downtime {
  // A container created with start: false (a config carrier) serves nothing while it is replaced.
  if (inputs.start === false) return { kind: "never-started" };
  const name = String(inputs.name ?? "");
  const healthy =
    table.replacement.healthyByService.find((s) => name.includes(s.match))?.seconds ??
    table.steps.containerStartHealthy.seconds;
  const stop = table.replacement.containerStop.seconds;
  const remove = table.replacement.containerRemove.seconds;
  const stopTimeout = typeof inputs.stopTimeout === "number" ? inputs.stopTimeout : DOCKER_STOP_DEFAULT;
  const waits = inputs.wait === true;
  const waitTimeout = typeof inputs.waitTimeout === "number" ? inputs.waitTimeout : PROVIDER_WAIT_DEFAULT;
  return {
    kind: "down",
    expectedSeconds: stop + remove + healthy,
    ...(waits ? { boundSeconds: stopTimeout + waitTimeout } : {}),
    parts: { stop, remove, healthy, stopTimeout, ...(waits ? { waitTimeout } : {}) },
  };
}
