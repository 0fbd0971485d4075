import { z } from "zod";

const bomSchema = z.object({
  bomFormat: z.literal("CycloneDX"),
  specVersion: z.string(),
  metadata: z.object({ component: z.object({ name: z.string() }).passthrough() }).passthrough(),
  components: z.array(
    z
      .object({ name: z.string(), version: z.string().optional(), group: z.string().optional() })
      .passthrough(),
  ),
});

export interface SbomSummary {
  componentCount: number;
  problems: string[];
}

const qualifiedName = (component: { name: string; group?: string }): string =>
  component.group === undefined || component.group === ""
    ? component.name
    : `${component.group}/${component.name}`;

/**
 * Checks a generated CycloneDX document: right format, has components, contains every `mustContain` package and
 * none of `mustNotContain` (dev-only tools, which --omit dev must have left out).
 */
export function checkSbom(
  json: string,
  mustContain: readonly string[],
  mustNotContain: readonly string[],
): SbomSummary {
  const parsed = bomSchema.safeParse(JSON.parse(json));
  if (!parsed.success)
    return { componentCount: 0, problems: [`not a CycloneDX JSON BOM: ${parsed.error.issues[0]?.message}`] };
  const names = new Set<string>();
  const collect = (components: readonly { name: string; group?: string; components?: unknown }[]): void => {
    for (const component of components) {
      names.add(qualifiedName(component));
      const nested = z
        .array(z.object({ name: z.string(), group: z.string().optional() }).passthrough())
        .safeParse(component.components);
      if (nested.success) collect(nested.data);
    }
  };
  collect(parsed.data.components);
  const problems = [
    ...(names.size === 0 ? ["the BOM lists no component"] : []),
    ...mustContain
      .filter((name) => !names.has(name))
      .map((name) => `production dependency ${name} is missing`),
    ...mustNotContain
      .filter((name) => names.has(name))
      .map((name) => `dev-only package ${name} is in the production BOM`),
  ];
  return { componentCount: names.size, problems };
}
