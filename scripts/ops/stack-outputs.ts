import { z } from "zod";

const addressField = z.union([z.string(), z.array(z.string())]);

/** Public addresses from `pulumi stack output --json`: the `edgeAddress` output (a string or a list). */
export function addressesFromStackOutputs(json: string): string[] {
  const outputs = z.record(z.string(), z.unknown()).parse(JSON.parse(json));
  const parsed = addressField.safeParse(outputs.edgeAddress);
  if (!parsed.success) return [];
  return typeof parsed.data === "string" ? [parsed.data] : parsed.data;
}
