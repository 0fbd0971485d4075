import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { withDefaults } from "../lib/config";
import { CONTAINER_TYPE } from "../lib/docker";
import { DOCKER_PROVIDER_TYPE, findDockerCredentials, registryAuthSecrets } from "../lib/docker-auth";
import { resourceLabel } from "../lib/firewall";
import { type FoundText, knownTexts, readKnown, UnknownValues } from "../lib/known";
import { asArray, asText } from "../lib/props";
import { encodingNote, secretIn } from "../lib/secret-encodings";
import {
  containerNameOf,
  describePlace,
  type EnvEntry,
  knownEnvs,
  MIN_SECRET_LENGTH,
} from "../lib/stack-secrets";

const DEFAULT_SECRET_SCOPES: Record<string, string[]> = {
  BYBIT_API_KEY: ["titan-execution"],
  BYBIT_SECRET_KEY: ["titan-execution"],
  BINANCE_API_KEY: ["titan-execution"],
  BINANCE_SECRET_KEY: ["titan-execution"],
  HMAC_SECRET: ["titan-brain", "titan-execution"],
  TITAN_MASTER_PASSWORD: ["titan-console-api"],
  GEMINI_API_KEY: ["titan-ai-quant"],
};

interface Config {
  scopes: Record<string, string[]>;
  maxHmacTimestampTolerance: number;
  minValueLength: number;
  sharedValues: string[][];
}

const DEFAULTS: Config = {
  scopes: DEFAULT_SECRET_SCOPES,
  maxHmacTimestampTolerance: 5,
  minValueLength: MIN_SECRET_LENGTH,
  // Sentinel verifies brain's signatures: its TITAN_HMAC_SECRET is brain's HMAC_SECRET.
  sharedValues: [["HMAC_SECRET", "TITAN_HMAC_SECRET"]],
};

/** "NAME=value" pairs; a malformed entry keeps its whole text as the name so it is still seen. */
export function parseEnvs(value: unknown): { name: string; value: string }[] {
  return asArray(value)
    .map(asText)
    .filter((entry): entry is string => entry !== undefined && entry !== "")
    .map((entry) => {
      const eq = entry.indexOf("=");
      return eq < 0
        ? { name: entry, value: "" }
        : { name: entry.slice(0, eq).trim(), value: entry.slice(eq + 1).trim() };
    });
}

/** One scoped secret value, with every container the scope table lets hold it. */
interface ScopedValue {
  readonly names: Set<string>;
  readonly allowed: Set<string>;
  /** `BYBIT_SECRET_KEY (held by titan-execution)`, for messages. */
  readonly origin: string;
}

/** Shown by `docker ps`/`docker inspect`, /proc/<pid>/cmdline, and read by label consumers (Traefik). */
const VISIBLE_PLACE = /^(labels|command|entrypoints|healthcheck)\b/;

type Report = (message: string, urn?: string) => void;

function checkNamesAndTolerance(
  label: string,
  name: string,
  urn: string,
  envs: readonly EnvEntry[],
  config: Config,
  report: Report,
) {
  for (const env of envs) {
    const allowed = config.scopes[env.name];
    if (allowed && !allowed.includes(name)) {
      report(
        `${label} receives secret ${env.name}, which only ${allowed.join(", ")} may hold. Fix: remove ${env.name} from this container's envs.`,
        urn,
      );
    }
    if (env.name === "HMAC_TIMESTAMP_TOLERANCE") {
      const seconds = Number(env.value);
      if (
        env.value === "" ||
        !Number.isFinite(seconds) ||
        seconds > config.maxHmacTimestampTolerance ||
        seconds < 0
      ) {
        report(
          `${label} sets HMAC_TIMESTAMP_TOLERANCE=${env.value}, outside the ${config.maxHmacTimestampTolerance}-second replay window. Fix: set HMAC_TIMESTAMP_TOLERANCE=5.`,
          urn,
        );
      }
    }
  }
}

interface Judged {
  readonly resource: PolicyResource;
  readonly name: string;
  readonly label: string;
  readonly texts: FoundText[];
  readonly envs: EnvEntry[];
}

export const secretScope: StackValidationPolicy = {
  name: "secret-scope",
  description:
    "Each secret reaches only the containers that need it, judged by name and by value (exchange keys only execution, HMAC only brain and execution, master password only console-api, Gemini key only ai-quant; the same value under another name, in an uploaded file, a label or a command counts), Docker registry credentials stay in the Docker provider, and HMAC_TIMESTAMP_TOLERANCE never exceeds the 5-second replay window.",
  enforcementLevel: "mandatory",
  severity: "critical",
  configSchema: {
    properties: {
      scopes: {
        type: "object",
        additionalProperties: { type: "array", items: { type: "string" } },
        default: DEFAULT_SECRET_SCOPES,
        description: "Secret variable name to the container names allowed to receive it.",
      },
      maxHmacTimestampTolerance: {
        type: "number",
        default: 5,
        description: "Largest replay window in seconds.",
      },
      minValueLength: {
        type: "integer",
        minimum: 1,
        default: MIN_SECRET_LENGTH,
        description:
          "Secret values shorter than this are not searched for (short values coincide with ordinary config).",
      },
      sharedValues: {
        type: "array",
        items: { type: "array", items: { type: "string" } },
        default: DEFAULTS.sharedValues,
        description:
          "Groups of scoped names that may carry the same value (sentinel's TITAN_HMAC_SECRET is brain's HMAC_SECRET).",
      },
    },
  },
  validateStack: (args, report) => {
    const config = withDefaults(DEFAULTS, args.getConfig());
    const unread = new UnknownValues();
    const containers: Judged[] = args.resources
      .filter((r) => r.type === CONTAINER_TYPE)
      .map((resource) =>
        unread.within(`container '${resource.name}'`, (unknowns) => {
          const name = containerNameOf(resource, unknowns);
          const texts = knownTexts(
            readKnown(() => resource.props, unknowns),
            unknowns,
          );
          // Same reads as above: what is unknown there is already recorded.
          const envs = knownEnvs(resource, []);
          return { resource, name, label: `Container ${resourceLabel(name, resource.urn)}`, texts, envs };
        }),
      );

    // Values of scoped secrets where the scope table puts them.
    const scoped = new Map<string, ScopedValue>();
    for (const c of containers) {
      checkNamesAndTolerance(c.label, c.name, c.resource.urn, c.envs, config, report);
      for (const env of c.envs) {
        const allowed = config.scopes[env.name];
        if (!allowed?.includes(c.name) || env.value.length < config.minValueLength) continue;
        const entry = scoped.get(env.value) ?? {
          names: new Set<string>(),
          allowed: new Set<string>(),
          origin: `${env.name} (held by ${c.name})`,
        };
        entry.names.add(env.name);
        for (const a of allowed) entry.allowed.add(a);
        scoped.set(env.value, entry);
      }
    }
    // The union of scopes above would let one value ride under any name its holder may hold:
    // distinct secrets must have distinct values unless a `sharedValues` group says otherwise.
    for (const entry of scoped.values()) {
      const names = [...entry.names];
      const grouped = config.sharedValues.some((g) => names.every((n) => g.includes(n)));
      if (names.length > 1 && !grouped)
        report(
          `Secrets ${names.join(", ")} carry the same value (first: ${entry.origin}), so each reaches the other's containers. Fix: give each secret its own value (names that may share one are listed in secret-scope's sharedValues).`,
        );
    }

    const registry = args.resources
      .filter((r) => r.type === DOCKER_PROVIDER_TYPE)
      .flatMap((p) => {
        const props = unread.within(
          `Docker provider '${p.name}'`,
          (unknowns) => readKnown(() => ({ registryAuth: p.props.registryAuth }), unknowns) ?? {},
        );
        return registryAuthSecrets(props)
          .filter((v) => v.length >= config.minValueLength)
          .map((value) => ({ value, provider: p.name }));
      });

    for (const c of containers) {
      const seen = new Set<string>();
      const once = (message: string) => {
        if (seen.has(message)) return;
        seen.add(message);
        report(message, c.resource.urn);
      };
      for (const found of c.texts) {
        const place = describePlace(found, c.texts);
        for (const [value, entry] of scoped) {
          const how = secretIn(found.text, value);
          if (!how) continue;
          if (!entry.allowed.has(c.name))
            once(
              `${c.label} holds the value of ${entry.origin}${encodingNote(how)} in ${place}, which only ${[...entry.allowed].join(", ")} may hold. Fix: give this container its own credential or none; never copy another container's secret under another name, into a file, a label or a command.`,
            );
          else if (VISIBLE_PLACE.test(found.path))
            once(
              `${c.label} puts the value of ${entry.origin}${encodingNote(how)} in its ${place}, which docker ps, docker inspect and label readers show. Fix: pass it only as the env var ${[...entry.names].join(" or ")}.`,
            );
        }
        for (const cred of registry) {
          const how = secretIn(found.text, cred.value);
          if (how)
            once(
              `${c.label} holds the registry credential of Docker provider '${cred.provider}'${encodingNote(how)} in ${place}. Fix: registry credentials belong only in the Docker provider's registryAuth, which pulls the images.`,
            );
        }
        for (const what of findDockerCredentials(found.text))
          once(
            `${c.label} holds ${what} in ${place}, in plain text on the host and in docker inspect. Fix: give registry credentials only to the Docker provider's registryAuth (a Pulumi secret).`,
          );
      }
    }

    unread.throwIfAny(
      (count, first) =>
        `${count} value(s) in containers or Docker providers are unknown during preview (first: ${first}); a secret's value cannot be compared before it is known, so where those values land is judged at pulumi up, when the engine sends final outputs`,
    );
  },
};
