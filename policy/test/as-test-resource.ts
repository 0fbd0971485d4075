// The same resources through both runners: an engine fixture (as the analyzer protocol carries
// it) becomes the in-process runner's TestResource, dependencies included.
import type { EngineResource } from "../../scripts/engine/policy-engine";
import type { TestResource } from "./helpers";

export function asTestResource(r: EngineResource): TestResource {
  return {
    type: r.type,
    name: r.name,
    urn: r.urn,
    props: r.properties,
    ...(r.options
      ? { opts: { protect: r.options.protect === true, ignoreChanges: r.options.ignoreChanges ?? [] } }
      : {}),
    ...(r.dependencies ? { dependencies: r.dependencies } : {}),
  };
}
