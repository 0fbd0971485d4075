// data/titan-contract.overrides.json: the service list and what static reading cannot see,
// each entry with the reason it is there.
import { readFileSync } from "node:fs";
import { z } from "zod";

const reason = z.string().min(10, "say why this override exists");
const sourceRef = z.string().regex(/^[^\s:]+:\d+$/, "expected path:line");

const subjectOverride = z.strictObject({ subject: z.string().min(1), source: sourceRef, reason });

export const overridesSchema = z.strictObject({
  $comment: z.string().optional(),
  titan: z.strictObject({ repo: z.string().regex(/^[\w.-]+\/[\w.-]+$/) }),
  workflow: z.string().min(1),
  services: z.array(
    z.strictObject({
      name: z.string().min(1),
      dir: z.string().min(1),
      natsUser: z.string().nullable(),
      env: z
        .array(
          z.strictObject({
            name: z.string().min(1),
            required: z.boolean().optional(),
            secret: z.boolean().optional(),
            default: z.string().nullable().optional(),
            source: sourceRef.optional(),
            reason,
          }),
        )
        .default([]),
      envRemove: z.array(z.strictObject({ name: z.string().min(1), reason })).default([]),
      ports: z
        .array(
          z.strictObject({
            port: z.number().int(),
            protocol: z.enum(["http", "websocket"]),
            path: z.string().optional(),
            source: sourceRef,
            reason,
          }),
        )
        .default([]),
      health: z
        .strictObject({
          path: z.string().nullable(),
          startPeriodSeconds: z.number().int().optional(),
          source: sourceRef,
          reason,
        })
        .optional(),
      publish: z.array(subjectOverride).default([]),
      subscribe: z.array(subjectOverride).default([]),
      request: z.array(subjectOverride).default([]),
      notes: z.array(z.string().min(10)).default([]),
    }),
  ),
});

export type Overrides = z.infer<typeof overridesSchema>;
export type ServiceOverrides = Overrides["services"][number];

export function loadOverrides(path: string): Overrides {
  const result = overridesSchema.safeParse(JSON.parse(readFileSync(path, "utf8")));
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    throw new Error(`${path} is invalid: ${issues.join("; ")}`);
  }
  return result.data;
}
