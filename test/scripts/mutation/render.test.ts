import type { FileResult, MutantResult, MutantStatus } from "mutation-testing-report-schema";
import { describe, expect, it } from "vitest";
import { renderSurvivors } from "../../../scripts/mutation/render";

const SOURCE = ["const open = port === 3100 || port === 3002;", 'const rule = "a|b";', "return open;"].join(
  "\n",
);

let nextId = 0;
function mutant(
  status: MutantStatus,
  line: number,
  from: number,
  to: number,
  replacement: string,
): MutantResult {
  nextId += 1;
  return {
    id: String(nextId),
    mutatorName: "Fake",
    replacement,
    status,
    location: { start: { line, column: from }, end: { line, column: to } },
  };
}

const files: Record<string, FileResult> = {
  "policy/lib/b.ts": {
    language: "typescript",
    source: SOURCE,
    mutants: [
      mutant("Killed", 1, 14, 42, "false"),
      mutant("Timeout", 1, 14, 27, "true"),
      mutant("Survived", 2, 14, 19, '""'),
      mutant("NoCoverage", 3, 8, 12, "!open"),
      mutant("Ignored", 1, 1, 6, "let"),
    ],
  },
  "policy/lib/a.ts": {
    language: "typescript",
    source: SOURCE,
    mutants: [mutant("Killed", 1, 14, 42, "false")],
  },
};

describe("renderSurvivors", () => {
  const text = renderSurvivors(files, { measured: "commit 0000000, test" });

  it("scores as Stryker does: detected (killed and timed out) over valid, ignored mutants left out", () => {
    expect(text).toContain("Measured: commit 0000000, test.");
    // 3 detected of 5 valid across both files; the ignored mutant is counted apart.
    expect(text).toContain("| **whole pack** | 5 | 3 (1 by timeout) | 1 | 1 | 1 | 60.00 % |");
    expect(text).toContain("| `policy/lib/b.ts` | 4 | 2 (1 by timeout) | 1 | 1 | 1 | 50.00 % |");
    expect(text).toContain("| `policy/lib/a.ts` | 1 | 1 (0 by timeout) | 0 | 0 | 0 | 100.00 % |");
    expect(text.indexOf("policy/lib/a.ts")).toBeLessThan(text.indexOf("policy/lib/b.ts"));
  });

  it("lists only survived and uncovered mutants, with the code they replace, pipes escaped", () => {
    expect(text).toContain("### `policy/lib/b.ts` (2)");
    expect(text).toContain('| 2:14 | Survived | Fake | `"a\\|b"` | `""` |');
    expect(text).toContain("| 3:8 | NoCoverage | Fake | `open` | `!open` |");
    expect(text).not.toContain("### `policy/lib/a.ts`");
    expect(text).not.toMatch(/\| (Killed|Timeout|Ignored) \|/);
  });

  it("says n/a for a file with no valid mutant instead of a division by zero", () => {
    const onlyIgnored = renderSurvivors(
      { "x.ts": { language: "typescript", source: SOURCE, mutants: [mutant("Ignored", 1, 1, 6, "let")] } },
      { measured: "m" },
    );
    expect(onlyIgnored).toContain("| `x.ts` | 0 | 0 (0 by timeout) | 0 | 0 | 1 | n/a |");
  });
});
