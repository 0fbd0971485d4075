// Reads the final stage of a Dockerfile and Titan's image-publishing workflow.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode } from "yaml";

export interface DockerStage {
  base: string;
  user: string | null;
  expose: { port: number; line: number }[];
  env: { name: string; value: string; line: number }[];
  healthcheck: { command: string; startPeriodSeconds: number; path: string | null; line: number } | null;
  cmd: string[];
  workdir: string;
  /** nginx `listen N` lines inside a heredoc config */
  listens: { port: number; line: number }[];
}

function seconds(v: string): number {
  const m = /^(\d+)(ms|s|m|h)?$/.exec(v);
  if (!m) return 0;
  const n = Number(m[1]);
  return m[2] === "m" ? n * 60 : m[2] === "h" ? n * 3600 : m[2] === "ms" ? Math.round(n / 1000) : n;
}

export function readDockerfile(path: string): DockerStage {
  const raw = readFileSync(path, "utf8").split("\n");
  // join continuation lines, keep the line of each instruction's start
  const instructions: { text: string; line: number }[] = [];
  let heredoc: string | undefined;
  for (let i = 0; i < raw.length; i++) {
    const line = raw[i] as string;
    if (heredoc !== undefined) {
      if (line.trim() === heredoc) heredoc = undefined;
      else instructions.push({ text: `#heredoc ${line}`, line: i + 1 });
      continue;
    }
    if (/^\s*#/.test(line) || line.trim() === "") continue;
    const start = i;
    let text = line;
    while (text.endsWith("\\") && i + 1 < raw.length) {
      i++;
      text = `${text.slice(0, -1)} ${(raw[i] as string).trim()}`;
    }
    const hd = /<<-?'?(\w+)'?/.exec(text);
    if (hd) heredoc = hd[1];
    instructions.push({ text: text.trim(), line: start + 1 });
  }
  let lastFrom = 0;
  instructions.forEach((ins, i) => {
    if (/^FROM\s/i.test(ins.text)) lastFrom = i;
  });
  const stage: DockerStage = {
    base: "",
    user: null,
    expose: [],
    env: [],
    healthcheck: null,
    cmd: [],
    workdir: "/",
    listens: [],
  };
  for (const ins of instructions.slice(lastFrom)) {
    const [kw, ...rest] = ins.text.split(/\s+/);
    const args = rest.join(" ");
    switch (kw?.toUpperCase()) {
      case "FROM":
        stage.base = rest[0] ?? "";
        break;
      case "USER":
        stage.user = rest[0] ?? null;
        break;
      case "WORKDIR":
        stage.workdir = args.startsWith("/") ? args : join(stage.workdir, args);
        break;
      case "EXPOSE":
        for (const p of rest) stage.expose.push({ port: Number.parseInt(p, 10), line: ins.line });
        break;
      case "ENV":
        for (const m of args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)[= ]("[^"]*"|\S+)/g)) {
          stage.env.push({
            name: m[1] as string,
            value: (m[2] as string).replace(/^"|"$/g, ""),
            line: ins.line,
          });
        }
        break;
      case "HEALTHCHECK": {
        const sp = /--start-period=(\S+)/.exec(args);
        const command = args.replace(/^(--\S+\s+)*CMD\s+/, "").trim();
        const url = /https?:\/\/[^/\s]+(\/[^\s'"|]*)?/.exec(command);
        stage.healthcheck = {
          command,
          startPeriodSeconds: sp ? seconds(sp[1] as string) : 0,
          path: url ? (url[1] ?? "/") : null,
          line: ins.line,
        };
        break;
      }
      case "CMD":
        try {
          stage.cmd = JSON.parse(args) as string[];
        } catch {
          stage.cmd = rest;
        }
        break;
      case "#HEREDOC": {
        const l = /^\s*listen\s+(\d+)/.exec(args);
        if (l) stage.listens.push({ port: Number(l[1]), line: ins.line });
        break;
      }
    }
  }
  return stage;
}

export interface PublishedImage {
  image: string;
  dockerfile: string;
  line: number;
}

export interface Workflow {
  registry: string;
  tags: string[];
  images: PublishedImage[];
  path: string;
}

function find(node: YamlNode | null | undefined, visit: (key: string, value: YamlNode) => void): void {
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : "";
      visit(key, pair.value as YamlNode);
      find(pair.value as YamlNode, visit);
    }
  } else if (isSeq(node)) {
    for (const item of node.items) find(item as YamlNode, visit);
  }
}

/** Images the deploy workflow builds and pushes (the build matrix), with their tag rules. */
export function readWorkflow(titanDir: string, rel: string): Workflow {
  const path = join(titanDir, rel);
  const out: Workflow = { registry: "", tags: [], images: [], path: rel };
  if (!existsSync(path)) return out;
  const counter = new LineCounter();
  const doc = parseDocument(readFileSync(path, "utf8"), { lineCounter: counter });
  find(doc.contents as YamlNode, (key, value) => {
    if (key === "TITAN_REGISTRY" && isScalar(value)) out.registry = String(value.value);
    if (key === "tags" && isScalar(value) && String(value.value).includes("type=")) {
      out.tags = String(value.value)
        .split("\n")
        .map((t) => t.trim())
        .filter((t) => t !== "");
    }
    if (key === "service" && isSeq(value)) {
      for (const item of value.items) {
        if (!isMap(item)) continue;
        const img = item.get("image", true);
        const file = item.get("file");
        if (isScalar(img) && typeof file === "string") {
          const offset = img.range?.[0] ?? 0;
          out.images.push({ image: String(img.value), dockerfile: file, line: counter.linePos(offset).line });
        }
      }
    }
  });
  return out;
}
