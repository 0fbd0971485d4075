// Builds the Titan contract from a Titan work tree: Dockerfiles, the deploy workflow, TypeScript and
// Rust source, merged with the overrides file.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  parseTitanContract,
  type TitanContract,
  type TitanEnvVar,
  type TitanNats,
  type TitanService,
} from "../../infra/model/titan-contract";
import { readDockerfile, readWorkflow } from "./docker-read";
import type { Findings } from "./findings";
import type { Overrides, ServiceOverrides } from "./overrides";
import { readRustCrate } from "./rust-read";
import { reachableFiles, sourceOfDist } from "./ts-graph";
import { readTsFiles } from "./ts-read";

export const GENERATED_BY = "scripts/titan-contract (npm run titan-contract -- --titan DIR)";

const SECRET_NAME =
  /(SECRET|PASSWORD|_PASS$|TOKEN|_API_KEY$|_KEY$|PRIVATE|ENCRYPTION|CREDENTIAL|^DATABASE_URL$)/;
const NOT_SECRET = /(_KEY_ID$|_HEADER(_NAME)?$|^GOVERNANCE_KEYS$)/;

export function looksSecret(name: string): boolean {
  return SECRET_NAME.test(name) && !NOT_SECRET.test(name);
}

/** Does a stream subject (with wildcards) cover a subject (with wildcards)? */
export function covers(pattern: string, subject: string): boolean {
  const p = pattern.split(".");
  const s = subject.split(".");
  for (let i = 0; i < p.length; i++) {
    if (p[i] === ">") return s.length > i;
    if (i >= s.length) return false;
    if (s[i] === ">") return false;
    if (p[i] !== "*" && p[i] !== s[i]) return false;
  }
  return p.length === s.length;
}

function uniqSorted(xs: string[]): string[] {
  return [...new Set(xs)].sort();
}

function lockVersion(titanDir: string): { natsJs: string | null; asyncNats: string | null } {
  let natsJs: string | null = null;
  const lock = join(titanDir, "package-lock.json");
  if (existsSync(lock)) {
    const json = JSON.parse(readFileSync(lock, "utf8")) as {
      packages?: Record<string, { version?: string }>;
    };
    natsJs = json.packages?.["node_modules/nats"]?.version ?? null;
  }
  return { natsJs, asyncNats: null };
}

function cargoVersion(crateDir: string, crate: string): string | null {
  const lock = join(crateDir, "Cargo.lock");
  if (!existsSync(lock)) return null;
  const m = new RegExp(`name = "${crate}"\\nversion = "([^"]+)"`).exec(readFileSync(lock, "utf8"));
  return m?.[1] ?? null;
}

function mergeEnv(
  findings: Findings,
  imageEnv: { name: string; value: string; line: number }[],
  dockerfile: string,
): TitanEnvVar[] {
  const byName = new Map<string, TitanEnvVar & { sensitive?: boolean }>();
  const sorted = [...findings.env].sort((a, b) => a.source.localeCompare(b.source, "en", { numeric: true }));
  for (const f of sorted) {
    const cur = byName.get(f.name);
    if (!cur) {
      byName.set(f.name, {
        name: f.name,
        required: f.required,
        secret: false,
        ...(f.default !== undefined ? { default: f.default } : {}),
        source: f.source,
        ...(f.sensitive ? { sensitive: true } : {}),
      });
      continue;
    }
    if (f.required && !cur.required) {
      cur.required = true;
      cur.source = f.source;
    }
    if (cur.default === undefined && f.default !== undefined) cur.default = f.default;
    if (f.sensitive) cur.sensitive = true;
  }
  const out: TitanEnvVar[] = [];
  for (const v of byName.values()) {
    const { sensitive, ...rest } = v;
    const image = imageEnv.find((e) => e.name === v.name);
    const entry: TitanEnvVar = { ...rest, secret: !!sensitive || looksSecret(v.name) };
    if (image) {
      entry.default = image.value;
      entry.note = `image sets ${v.name}=${image.value} (${dockerfile}:${image.line})`;
    }
    out.push(entry);
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

function applyEnvOverrides(env: TitanEnvVar[], o: ServiceOverrides, service: string): TitanEnvVar[] {
  const out = env.filter((e) => !o.envRemove.some((r) => r.name === e.name));
  for (const r of o.envRemove) {
    if (!env.some((e) => e.name === r.name)) {
      throw new Error(
        `override envRemove ${service}.${r.name}: the reader does not find it any more; drop the override`,
      );
    }
  }
  for (const ov of o.env) {
    let cur = out.find((e) => e.name === ov.name);
    if (!cur) {
      if (!ov.source)
        throw new Error(`override env ${service}.${ov.name} adds a variable: give its source (path:line)`);
      cur = { name: ov.name, required: false, secret: looksSecret(ov.name), source: ov.source };
      out.push(cur);
    }
    if (ov.required !== undefined) cur.required = ov.required;
    if (ov.secret !== undefined) cur.secret = ov.secret;
    if (ov.default === null) delete cur.default;
    else if (ov.default !== undefined) cur.default = ov.default;
    if (ov.source) cur.source = ov.source;
    cur.note = cur.note ? `${cur.note}; override: ${ov.reason}` : `override: ${ov.reason}`;
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

interface Read {
  findings: Findings;
  client: TitanNats["client"];
}

function readService(titanDir: string, dir: string, cmd: string[]): Read {
  const abs = join(titanDir, dir);
  if (existsSync(join(abs, "Cargo.toml"))) {
    const findings = readRustCrate(titanDir, abs);
    return { findings, client: findings.usesNats ? "async-nats" : "none" };
  }
  const script = cmd[0] === "node" ? cmd[1] : undefined;
  const entry = script ? sourceOfDist(abs, script) : undefined;
  if (!entry) {
    const empty = readTsFiles(titanDir, [], []);
    return { findings: empty, client: "none" };
  }
  const files = reachableFiles(titanDir, entry);
  const findings = readTsFiles(titanDir, files, []);
  const importsNats = files.some((f) =>
    /from\s+['"]nats['"]|require\(['"]nats['"]\)/.test(readFileSync(f, "utf8")),
  );
  return { findings, client: importsNats && findings.usesNats ? "nats.js" : "none" };
}

function jsApiOf(client: TitanNats["client"], f: Findings, consumers: TitanNats["consumers"]): string[] {
  const api: string[] = [];
  if (client === "nats.js" && f.jsmInfo.length > 0) api.push("$JS.API.INFO");
  for (const s of f.streamsLookedUp) api.push(`$JS.API.STREAM.INFO.${s.name}`);
  for (const s of f.streamsCreated) api.push(`$JS.API.STREAM.CREATE.${s.name}`);
  for (const c of consumers) {
    if (client === "nats.js") {
      // nats.js js.subscribe(): stream lookup by subject, consumer info, then create (when it gets there)
      api.push("$JS.API.STREAM.NAMES", `$JS.API.CONSUMER.INFO.${c.stream}.${c.durable}`);
    }
    if (c.created) {
      api.push(`$JS.API.CONSUMER.CREATE.${c.stream}.${c.durable}${c.filter ? `.${c.filter}` : ""}`);
    }
    if (c.kind === "pull") api.push(`$JS.API.CONSUMER.MSG.NEXT.${c.stream}.${c.durable}`);
  }
  return uniqSorted(api);
}

export interface BuildOptions {
  titanDir: string;
  commit: string;
  overrides: Overrides;
}

export function buildContract({ titanDir, commit, overrides }: BuildOptions): TitanContract {
  const workflow = readWorkflow(titanDir, overrides.workflow);
  const registry = workflow.registry.replace(/\$\{\{\s*github\.repository\s*\}\}/, overrides.titan.repo);
  const clients = lockVersion(titanDir);

  const reads = overrides.services.map((o) => {
    const published = workflow.images.find((i) => i.dockerfile.replace(/\/Dockerfile$/, "") === o.dir);
    const dockerfile = published?.dockerfile ?? `${o.dir}/Dockerfile`;
    const stage = readDockerfile(join(titanDir, dockerfile));
    const read = readService(titanDir, o.dir, stage.cmd);
    if (read.client === "async-nats") clients.asyncNats = cargoVersion(join(titanDir, o.dir), "async-nats");
    return { o, published, dockerfile, stage, read };
  });

  const allStreams = reads.flatMap((r) => r.read.findings.streamsCreated);
  const streamFor = (subject: string): string | undefined =>
    allStreams.find((s) => s.subjects.some((p) => covers(p, subject)))?.name;

  const services: TitanService[] = reads.map(({ o, published, dockerfile, stage, read }) => {
    const f = read.findings;
    const consumers: TitanNats["consumers"] = [];
    for (const c of f.consumers) {
      const stream = c.stream ?? streamFor(c.subject);
      if (!stream) continue; // a core subscription, not JetStream
      const noDeliver = read.client === "nats.js" && c.kind === "push" && f.durableWithoutDeliverTo;
      consumers.push({
        stream,
        durable: c.durable,
        ...(c.subject ? { filter: c.subject } : {}),
        kind: c.kind,
        created: noDeliver ? false : c.created,
        source: c.source,
        ...(noDeliver
          ? {
              note: `durable push subscribe without a deliver subject (${f.durableWithoutDeliverTo}): nats.js js.subscribe() throws "push consumer requires deliver_subject" after STREAM.NAMES and CONSUMER.INFO, before CONSUMER.CREATE`,
            }
          : {}),
      });
    }
    consumers.sort((a, b) => `${a.stream}.${a.durable}`.localeCompare(`${b.stream}.${b.durable}`));
    const streamsCreated = [
      ...new Map(
        f.streamsCreated.map((s) => [
          s.name,
          { name: s.name, subjects: uniqSorted(s.subjects), source: s.source },
        ]),
      ).values(),
    ].sort((a, b) => a.name.localeCompare(b.name));
    const extra = (k: "publish" | "subscribe" | "request") => o[k].map((x) => x.subject);
    const nats: TitanNats = {
      user: read.client === "none" ? null : o.natsUser,
      client: read.client,
      publish: uniqSorted([...f.publish.map((p) => p.subject), ...extra("publish")]),
      subscribe: uniqSorted([...f.subscribe.map((p) => p.subject), ...extra("subscribe")]),
      request: uniqSorted([...f.request.map((p) => p.subject), ...extra("request")]),
      inboxPrefix: read.client === "none" ? null : "_INBOX",
      streamsCreated,
      streamsBound: uniqSorted([...consumers.map((c) => c.stream), ...f.streamsLookedUp.map((s) => s.name)]),
      consumers,
      jsApi: jsApiOf(read.client, f, consumers),
      unresolved: uniqSorted(f.unresolved),
    };
    const ports: TitanService["ports"] = [
      ...stage.expose.map((e) => ({
        port: e.port,
        protocol: "http" as const,
        source: `${dockerfile}:${e.line}`,
      })),
      ...stage.listens
        .filter((l) => !stage.expose.some((e) => e.port === l.port))
        .map((l) => ({ port: l.port, protocol: "http" as const, source: `${dockerfile}:${l.line}` })),
      ...o.ports.map(({ reason: _r, ...p }) => p),
    ].sort((a, b) => a.port - b.port || a.protocol.localeCompare(b.protocol));
    const hc = stage.healthcheck;
    let health: TitanService["health"] = hc
      ? {
          path: hc.path,
          startPeriodSeconds: hc.startPeriodSeconds,
          command: hc.command,
          source: `${dockerfile}:${hc.line}`,
        }
      : null;
    if (o.health) {
      health = {
        path: o.health.path,
        startPeriodSeconds: o.health.startPeriodSeconds ?? health?.startPeriodSeconds ?? 0,
        command: health?.command ?? `none in the image; override: ${o.health.reason}`,
        source: o.health.source,
      };
    }
    return {
      name: o.name,
      dir: o.dir,
      image: {
        name: published?.image ?? o.name,
        publishedByCi: !!published,
        tags: published ? workflow.tags : [],
        dockerfile,
        base: stage.base,
        user: stage.user,
      },
      ports,
      health,
      env: applyEnvOverrides(mergeEnv(f, stage.env, dockerfile), o, o.name),
      nats,
      notes: o.notes,
    };
  });

  return parseTitanContract({
    titan: { repo: overrides.titan.repo, commit, registry },
    generatedBy: GENERATED_BY,
    clients,
    services,
  });
}
