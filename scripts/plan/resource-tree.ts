import type { RegisteredResource } from "../engine/run-program";

/** Indented tree of resources by parent, components first, stable order. */
export function renderResourceTree(resources: RegisteredResource[]): string[] {
  const children = new Map<string, RegisteredResource[]>();
  const urns = new Set(resources.map((r) => r.urn));
  for (const r of resources) {
    const parent = r.options.parent && urns.has(r.options.parent) ? r.options.parent : "";
    const list = children.get(parent) ?? [];
    list.push(r);
    children.set(parent, list);
  }
  const lines: string[] = [];
  const walk = (parent: string, depth: number) => {
    const list = [...(children.get(parent) ?? [])].sort((a, b) =>
      a.custom === b.custom ? a.name.localeCompare(b.name) : a.custom ? 1 : -1,
    );
    for (const r of list) {
      const flags = [
        r.options.protect ? "protect" : "",
        r.options.retainOnDelete ? "retainOnDelete" : "",
        r.options.ignoreChanges.length ? `ignoreChanges=${r.options.ignoreChanges.join(",")}` : "",
      ].filter(Boolean);
      lines.push(
        `${"  ".repeat(depth)}${r.custom ? "+" : "□"} ${r.type}  ${r.name}${flags.length ? `  [${flags.join(" ")}]` : ""}`,
      );
      walk(r.urn, depth + 1);
    }
  };
  walk("", 0);
  return lines;
}
