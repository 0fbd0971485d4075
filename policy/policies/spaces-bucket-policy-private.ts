import type { ResourceValidationPolicy } from "@pulumi/policy";
import { resourceLabel } from "../lib/firewall";
import { isRecord, type PropertyBag } from "../lib/props";

export const SPACES_BUCKET_POLICY_TYPE = "digitalocean:index/spacesBucketPolicy:SpacesBucketPolicy";

/** A principal names everyone when it is "*" or any of its values is, or contains, "*". */
function isPublicPrincipal(principal: unknown): boolean {
  if (typeof principal === "string") return principal.includes("*");
  if (Array.isArray(principal)) return principal.some(isPublicPrincipal);
  if (isRecord(principal)) return Object.values(principal).some(isPublicPrincipal);
  return true; // unreadable: fail closed
}

/** Why a statement is refused, or undefined. Anything but Effect "Deny" counts as Allow. */
function statementProblem(statement: unknown): string | undefined {
  if (!isRecord(statement)) return "is not an object";
  if (statement.Effect === "Deny") return undefined;
  if ("NotPrincipal" in statement) return "allows every principal but those in NotPrincipal";
  if (!("Principal" in statement)) return "allows with no Principal, which the pack cannot read";
  if (isPublicPrincipal(statement.Principal))
    return `allows Principal ${JSON.stringify(statement.Principal)}`;
  return undefined;
}

function parsePolicy(raw: unknown): PropertyBag | string {
  if (isRecord(raw)) return raw;
  if (typeof raw !== "string") return "is not JSON text";
  try {
    const parsed: unknown = JSON.parse(raw);
    return isRecord(parsed) ? parsed : "is not a JSON object";
  } catch (err) {
    return `does not parse as JSON (${(err as Error).message})`;
  }
}

export const spacesBucketPolicyPrivate: ResourceValidationPolicy = {
  name: "spaces-bucket-policy-private",
  description:
    'A Spaces bucket policy never allows anonymous or wildcard principals (Principal "*", AWS "*", NotPrincipal), and a policy that cannot be parsed is refused.',
  enforcementLevel: "mandatory",
  severity: "critical",
  validateResource: (args, reportViolation) => {
    if (args.type !== SPACES_BUCKET_POLICY_TYPE) return;
    const label = `Spaces bucket policy ${resourceLabel(args.name, args.urn)}`;
    const policy = parsePolicy(args.props.policy);
    if (typeof policy === "string") {
      reportViolation(
        `${label}: the policy ${policy}, so the pack cannot tell whom it opens the bucket to (fail closed). Fix: give the policy as a JSON object text.`,
      );
      return;
    }
    const raw = policy.Statement;
    const statements = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
    statements.forEach((statement, i) => {
      const problem = statementProblem(statement);
      if (problem)
        reportViolation(
          `${label}: statement #${i + 1} ${problem}, which opens bucket '${String(args.props.bucket ?? "")}' to anyone. Fix: name the account's own principals only; the backups are never public.`,
        );
    });
    if (statements.length === 0)
      reportViolation(
        `${label}: the policy has no Statement, so the pack cannot tell what it grants (fail closed). Fix: remove the empty policy.`,
      );
  },
};
