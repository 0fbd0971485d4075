// Runs the whole stack under mocks for one topology and exposes what the workload tests read:
// containers by name, their env split into plain and secret entries, and every secret string.
import { randomBytes } from "node:crypto";
import type { OptionalService } from "../../infra/config/keys";
import { isSecretEnvelope, redactSecrets } from "../../scripts/engine/redact";
import type { RegisteredResource } from "../../scripts/engine/run-program";
import { plainInputs, runStack } from "../support/offline-stack";
import { type Topology, validRawConfig } from "../support/stack-config";

export const W = {
  container: "docker:index/container:Container",
  network: "docker:index/network:Network",
  image: "docker:index/remoteImage:RemoteImage",
  volume: "docker:index/volume:Volume",
  provider: "pulumi:providers:docker",
  wait: "command:local:Command",
  password: "random:index/randomPassword:RandomPassword",
  droplet: "digitalocean:index/droplet:Droplet",
} as const;

export interface EnvEntry {
  name: string;
  value: string;
  secret: boolean;
}

/** Obviously fake optional operator secrets, so the optional env entries are exercised too. */
export function fakeOptionalSecrets(): Record<string, string> {
  const fake = (label: string) => `fake-${label}-${randomBytes(12).toString("hex")}`;
  return {
    binanceApiKey: fake("binance-key"),
    binanceSecretKey: fake("binance-secret"),
    geminiApiKey: fake("gemini-key"),
  };
}

export async function runWorkloads(
  topology: Topology,
  withOptional = true,
  services: readonly OptionalService[] = [],
) {
  const raw = validRawConfig(topology);
  if (services.length > 0) {
    (raw.values as Record<string, string>).services = JSON.stringify(services);
    (raw.values as Record<string, string>).serviceImages = JSON.stringify(
      Object.fromEntries(services.map((s) => [s, `ghcr.io/example-operator/${s}:v1.0.0`])),
    );
  }
  const optional = withOptional ? fakeOptionalSecrets() : {};
  const values = { ...raw.values, ...optional };
  const secretKeys = new Set([...raw.secretKeys, ...Object.keys(optional)]);
  const stack = topology === "split" ? "prod" : "single";
  const run = await runStack(values, secretKeys, stack);
  // Config carriers (start: false) only hold a service's uploaded files; the services are the rest.
  const allContainers = run.find.all(W.container);
  const containers = allContainers.filter((c) => plainInputs(c).start !== false);
  const carriers = allContainers.filter((c) => plainInputs(c).start === false);
  const byContainerName = new Map(containers.map((c) => [String(plainInputs(c).name), c]));
  const container = (name: string): RegisteredResource => {
    const c = byContainerName.get(name);
    if (!c) throw new Error(`no container '${name}'; have ${[...byContainerName.keys()].join(", ")}`);
    return c;
  };
  const outputs = run.outputs as { tradingPrivateAddress: string; edgeAddress: string };
  return {
    ...run,
    topology,
    operatorSecrets: { ...raw.secrets, ...optional },
    containers,
    carriers,
    /** The config carrier of a service: `<name>-config`. */
    carrier: (name: string): RegisteredResource => {
      const c = carriers.find((x) => plainInputs(x).name === `${name}-config`);
      if (!c) throw new Error(`no config carrier for '${name}'`);
      return c;
    },
    containerNames: [...byContainerName.keys()].sort(),
    container,
    inputs: (name: string) => plainInputs(container(name)),
    env: (name: string) => envEntries(container(name)),
    tradingPrivateIp: outputs.tradingPrivateAddress,
    edgeIp: outputs.edgeAddress,
  };
}

/** Env entries as registered: a secret entry is one wrapped in Pulumi's secret envelope. */
export function envEntries(r: RegisteredResource): EnvEntry[] {
  const envs = (r.inputs.envs ?? []) as unknown[];
  return envs.map((e) => {
    const secret = isSecretEnvelope(e);
    const text = String(secret ? (e as { value: unknown }).value : e);
    const eq = text.indexOf("=");
    return { name: text.slice(0, eq), value: text.slice(eq + 1), secret };
  });
}

/** Every string inside a secret envelope anywhere in a value (with env values split off). */
export function secretStrings(value: unknown, inside = false, out: string[] = []): string[] {
  if (isSecretEnvelope(value)) return secretStrings(value.value, true, out);
  if (typeof value === "string" && inside) {
    out.push(value);
    const eq = value.indexOf("=");
    if (/^[A-Z_]+=/.test(value)) out.push(value.slice(eq + 1));
  } else if (Array.isArray(value)) {
    for (const v of value) secretStrings(v, inside, out);
  } else if (value !== null && typeof value === "object") {
    for (const v of Object.values(value)) secretStrings(v, inside, out);
  }
  return out;
}

/** A value with every secret envelope removed, serialized: what anyone reading the plan sees. */
export const visibleText = (value: unknown): string => JSON.stringify(redactSecrets(value));
