import { gunzipSync } from "node:zlib";
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { parse } from "yaml";
import { stringList, withDefaults } from "../lib/config";
import { DROPLET_TYPE, resourceLabel } from "../lib/firewall";
import { asRecord, asRecordArray, asText } from "../lib/props";
import { DEFAULT_SECRET_NAMES, findSecretMaterial } from "../lib/secret-patterns";

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

export const userDataNoSecrets: ResourceValidationPolicy = {
  name: "user-data-no-secrets",
  description:
    "Droplet user data carries no secret material (private keys, secret environment values, API tokens, password assignments), because anyone with the account token or a shell on the droplet can read it.",
  enforcementLevel: "mandatory",
  severity: "critical",
  configSchema: {
    properties: { secretNames: stringList("Variable names whose values are secrets.", DEFAULT_SECRET_NAMES) },
  },
  validateResource: (args, reportViolation) => {
    if (args.type !== DROPLET_TYPE) return;
    const config = withDefaults<Config>({ secretNames: [...DEFAULT_SECRET_NAMES] }, args.getConfig());
    const userData = asText(args.props.userData) ?? "";
    const findings = [...findSecretMaterial(userData, config.secretNames)];
    for (const decoded of decodedWriteFiles(userData)) {
      if (decoded.content === undefined) findings.push(`write_files ${decoded.path} that cannot be decoded`);
      else
        for (const f of findSecretMaterial(decoded.content, config.secretNames))
          findings.push(`${f} (in encoded write_files ${decoded.path})`);
    }
    if (findings.length === 0) return;
    reportViolation(
      `Droplet ${resourceLabel(args.name, args.urn)}: userData contains ${findings.join(", ")}. ` +
        "Fix: deliver secrets to containers over the Docker provider (envs or uploads), never in cloud-init.",
    );
  },
};
