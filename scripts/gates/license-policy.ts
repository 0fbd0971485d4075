import { z } from "zod";

/**
 * A package a person reviewed and accepted by name@version: the license they found (which may sit outside the
 * allow-list, e.g. a data-only CC-BY file) and why it is acceptable. A new version needs a new review.
 */
const exceptionSchema = z.object({
  package: z.string().regex(/^(@[^/]+\/)?[^@]+@\d[^\s]*$/, "use name@version"),
  license: z.string(),
  reason: z.string().min(10),
});

export const licensePolicySchema = z.object({
  allowed: z.array(z.string()).min(1),
  exceptions: z.array(exceptionSchema).default([]),
});
export type LicensePolicy = z.infer<typeof licensePolicySchema>;

type Token = "(" | ")" | "AND" | "OR" | { id: string };

function tokenize(expression: string): Token[] {
  return (expression.match(/\(|\)|[^\s()]+/g) ?? []).map((word): Token => {
    if (word === "(" || word === ")") return word;
    const upper = word.toUpperCase();
    if (upper === "AND" || upper === "OR") return upper;
    return { id: word };
  });
}

/** license-checker marks guessed licenses with "*"; "+" means "or later". Both keep the base id. */
const normalizeId = (id: string): string => id.replace(/[*+]+$/, "").replace(/-or-later$|-only$/, "");

/**
 * Evaluates an SPDX expression ("MIT", "(MIT OR GPL-3.0)", "BSD-3-Clause AND Apache-2.0") against the allow-list:
 * OR needs one allowed side, AND needs both. Anything unparseable is not allowed.
 */
export function isExpressionAllowed(expression: string, allowed: ReadonlySet<string>): boolean {
  const tokens = tokenize(expression);
  let position = 0;
  const primary = (): boolean => {
    const token = tokens[position++];
    if (token === "(") {
      const value = disjunction();
      if (tokens[position++] !== ")") throw new Error("unbalanced parentheses");
      return value;
    }
    if (token === undefined || typeof token === "string") throw new Error("expected a license id");
    const id = normalizeId(token.id);
    const withException = tokens[position];
    if (typeof withException === "object" && withException.id.toUpperCase() === "WITH") position += 2;
    return allowed.has(id);
  };
  const conjunction = (): boolean => {
    let value = primary();
    while (tokens[position] === "AND") {
      position += 1;
      value = primary() && value;
    }
    return value;
  };
  const disjunction = (): boolean => {
    let value = conjunction();
    while (tokens[position] === "OR") {
      position += 1;
      value = conjunction() || value;
    }
    return value;
  };
  try {
    const value = disjunction();
    return position === tokens.length && value;
  } catch {
    return false;
  }
}

export interface PackageLicense {
  /** name@version */
  package: string;
  licenses: string | string[];
}

export interface LicenseVerdict {
  package: string;
  license: string;
  allowed: boolean;
  via?: "exception";
}

/** A list of licenses (old `licenses` arrays) is read as a choice between them. */
const asExpression = (licenses: string | string[]): string =>
  Array.isArray(licenses) ? licenses.map((license) => `(${license})`).join(" OR ") : licenses;

export function judgeLicenses(packages: readonly PackageLicense[], policy: LicensePolicy): LicenseVerdict[] {
  const allowed = new Set(policy.allowed);
  return packages.map((entry) => {
    const license = asExpression(entry.licenses);
    const exception = policy.exceptions.find((candidate) => candidate.package === entry.package);
    if (exception !== undefined) {
      return {
        package: entry.package,
        license: `${license} (reviewed: ${exception.license})`,
        allowed: true,
        via: "exception",
      };
    }
    return { package: entry.package, license, allowed: isExpressionAllowed(license, allowed) };
  });
}
