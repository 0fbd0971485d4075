import { describe, expect, it } from "vitest";
import { checkSbom } from "../../../scripts/gates/sbom-check";

const bom = (components: object[]): string =>
  JSON.stringify({
    bomFormat: "CycloneDX",
    specVersion: "1.6",
    metadata: { component: { name: "titan-infra" } },
    components,
  });

describe("SBOM check", () => {
  it("passes a BOM with the production dependencies (nested and scoped) and no dev tool", () => {
    const summary = checkSbom(
      bom([
        {
          name: "pulumi",
          group: "@pulumi",
          version: "3.248.0",
          components: [{ name: "semver", version: "7.0.0" }],
        },
        { name: "zod" },
      ]),
      ["@pulumi/pulumi", "zod", "semver"],
      ["vitest"],
    );
    expect(summary).toEqual({ componentCount: 3, problems: [] });
  });

  it("reports a missing production dependency, a dev tool, and a non-CycloneDX document", () => {
    const summary = checkSbom(bom([{ name: "vitest" }]), ["zod"], ["vitest"]);
    expect(summary.problems).toEqual([
      "production dependency zod is missing",
      "dev-only package vitest is in the production BOM",
    ]);
    expect(checkSbom(JSON.stringify({ bomFormat: "SPDX" }), [], []).problems[0]).toContain(
      "not a CycloneDX JSON BOM",
    );
  });
});
