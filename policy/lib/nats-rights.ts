// What a user may publish beyond the command subjects: the JetStream API (granted wholesale, or its
// stream administration), and anything at all for the read-only console user. Decided with the
// subject algebra over allow and deny lists, like the command check.
import { intersectPatterns, type PublishRights, reachableForbiddenSubject } from "./nats-subjects";

export const JS_API = "$JS.API.>";

/** Tokens of `$JS.API.<family>.<verb>`: a wildcard there grants a whole family of calls. */
const VERB_TOKENS = 4;

/**
 * A subject of the JetStream API the rights reach through an allow pattern that is a wildcard at
 * the call's family or verb (`>`, `$JS.>`, `$JS.API.>`, `$JS.API.STREAM.>`, `$JS.API.*.INFO.x`),
 * or undefined. Exact calls (`$JS.API.STREAM.INFO.TITAN_CMD`) and wildcards only in the stream or
 * consumer name (`$JS.API.CONSUMER.CREATE.S.C.>`) are not wholesale.
 */
export function wholesaleJetStreamGrant(
  rights: PublishRights,
): { readonly allow: string; readonly witness: string } | undefined {
  for (const allow of rights.allow) {
    const overlap = intersectPatterns(allow, JS_API);
    if (overlap === undefined) continue;
    const tokens = overlap.split(".");
    if (!tokens.slice(0, VERB_TOKENS).some((t) => t === "*" || t === ">")) continue;
    const witness = reachableForbiddenSubject({ allow: [allow], deny: rights.deny }, [overlap], []);
    if (witness !== undefined) return { allow, witness };
  }
  return undefined;
}

/** A JetStream administration subject (stream delete, purge, update…) the rights reach, or undefined. */
export function reachableAdminSubject(
  rights: PublishRights,
  adminSubjects: readonly string[],
): string | undefined {
  return reachableForbiddenSubject(rights, adminSubjects, []);
}

/** A subject outside `allowed` that a read-only user may publish, or undefined. */
export function readOnlyBreach(rights: PublishRights, allowed: readonly string[]): string | undefined {
  return reachableForbiddenSubject(rights, [">"], allowed);
}
