import { gunzipSync } from "node:zlib";
import type { StackValidationPolicy } from "@pulumi/policy";
import { parse } from "yaml";
import { stringList, withDefaults } from "../lib/config";
import { findDockerCredentials } from "../lib/docker-auth";
import { DROPLET_TYPE, resourceLabel } from "../lib/firewall";
import { readKnown, UnknownValues } from "../lib/known";
import { asRecord, asRecordArray, asText } from "../lib/props";
import { encodingNote, secretIn } from "../lib/secret-encodings";
import { DEFAULT_SECRET_NAMES, findSecretMaterial } from "../lib/secret-patterns";
import { type StackSecret, stackSecrets } from "../lib/stack-secrets";

interface Config {
  secretNames: string[];
}

/**
 * cloud-init `write_files` entries with `encoding: b64 | base64 | gz+b64 | gzip+base64 | gz | gzip`,
 * decoded (content undefined = cannot be decoded, which counts as a finding: fail closed).
 */
export function decodedWriteFiles(userData: string): { path: string; content: string | undefined }[] {
  let doc: unknown;
  try {
    doc = parse(userData);
  } catch {
    return [];
  }
  const out: { path: string; content: string | undefined }[] = [];
  for (const file of asRecordArray(asRecord(doc).write_files)) {
    const encoding = (asText(file.encoding) ?? "").toLowerCase();
    if (encoding === "" || encoding === "text/plain") continue;
    const filePath = asText(file.path) ?? "?";
    const raw = typeof file.content === "string" ? file.content : "";
    try {
      let bytes = /b64|base64/.test(encoding)
        ? Buffer.from(raw.replace(/\s+/g, ""), "base64")
        : Buffer.from(raw);
      if (/gz|gzip/.test(encoding)) bytes = gunzipSync(bytes);
      out.push({ path: filePath, content: bytes.toString("utf8") });
    } catch {
      out.push({ path: filePath, content: undefined });
    }
  }
  return out;
}

/** What the text gives away: patterns, Docker credentials, and the stack's own secret values. */
function findings(text: string, secretNames: readonly string[], secrets: readonly StackSecret[]): string[] {
  const found = [...findSecretMaterial(text, secretNames), ...findDockerCredentials(text)];
  const holders = new Map<string, string>();
  for (const s of secrets) {
    const how = secretIn(text, s.value);
    if (how && !holders.has(s.holder)) holders.set(s.holder, encodingNote(how));
  }
  for (const [holder, note] of holders) found.push(`the value of ${holder}${note}`);
  return found;
}

export const userDataNoSecrets: StackValidationPolicy = {
  name: "user-data-no-secrets",
  description:
    "Droplet user data carries no secret material (private keys, secret environment values, API tokens, password assignments, Docker registry credentials, or any secret value the stack itself holds), because anyone with the account token or a shell on the droplet can read it.",
  enforcementLevel: "mandatory",
  severity: "critical",
  configSchema: {
    properties: { secretNames: stringList("Variable names whose values are secrets.", DEFAULT_SECRET_NAMES) },
  },
  validateStack: (args, reportViolation) => {
    const config = withDefaults<Config>({ secretNames: [...DEFAULT_SECRET_NAMES] }, args.getConfig());
    const unread = new UnknownValues();
    const secrets = args.resources.flatMap((r) =>
      unread.within(`${r.type.split(":").at(-1)} '${r.name}'`, (unknowns) =>
        stackSecrets([r], config.secretNames, unknowns),
      ),
    );
    for (const droplet of args.resources.filter((r) => r.type === DROPLET_TYPE)) {
      const userData =
        unread.within(`Droplet '${droplet.name}'`, (unknowns) =>
          readKnown(() => asText(droplet.props.userData), unknowns),
        ) ?? "";
      const inFiles: string[] = [];
      const seenInFiles = new Set<string>();
      for (const decoded of decodedWriteFiles(userData)) {
        if (decoded.content === undefined) inFiles.push(`write_files ${decoded.path} that cannot be decoded`);
        else
          for (const f of findings(decoded.content, config.secretNames, secrets)) {
            seenInFiles.add(f);
            inFiles.push(`${f} (in encoded write_files ${decoded.path})`);
          }
      }
      // A b64 write_files entry also shows as a base64 copy in the raw text: named once, by its file.
      const raw = findings(userData, config.secretNames, secrets).filter(
        (f) =>
          !(
            f.endsWith(encodingNote("base64")) && seenInFiles.has(f.slice(0, -encodingNote("base64").length))
          ),
      );
      const found = [...raw, ...inFiles];
      if (found.length === 0) continue;
      reportViolation(
        `Droplet ${resourceLabel(droplet.name, droplet.urn)}: userData contains ${found.join(", ")}. ` +
          "Fix: deliver secrets to containers over the Docker provider (envs or uploads), never in cloud-init.",
        droplet.urn,
      );
    }
    unread.throwIfAny(
      (count, first) =>
        `${count} secret value(s) or user data are unknown during preview (first: ${first}), so user data cannot be compared with them yet; it is at pulumi up, when the engine sends final outputs`,
    );
  },
};
