// Narrowing helpers: the engine hands policies untyped property bags, and a policy must never
// crash (or silently pass) on an unexpected shape.

export type PropertyBag = Record<string, unknown>;

export function isRecord(value: unknown): value is PropertyBag {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function asRecord(value: unknown): PropertyBag {
  return isRecord(value) ? value : {};
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function asRecordArray(value: unknown): PropertyBag[] {
  return asArray(value).filter(isRecord);
}

/** Strings and numbers become trimmed strings; anything else is undefined. */
export function asText(value: unknown): string | undefined {
  if (typeof value === "string") return value.trim();
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  return undefined;
}

export function asTextArray(value: unknown): string[] {
  return asArray(value)
    .map(asText)
    .filter((v): v is string => v !== undefined && v !== "");
}

export function asNumber(value: unknown): number | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value.trim()))) {
    return Number(value.trim());
  }
  return undefined;
}
