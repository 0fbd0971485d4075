// The rehearsal itself: the plan's docker resources, created on a real dockerd in the order
// and with the calls the provider makes, then the health of each started container.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import bcrypt from "bcryptjs";
import { BACKUP_PATHS } from "../../infra/builders/backup/paths";
import { tradingDockerRuntime } from "../../infra/builders/backup/trading-host";
import { DEFAULT_DATA_MOUNT_POINT } from "../../infra/builders/cloud-init";
import { NATS_CONF_PATH } from "../../infra/model/paths";
import { type ContainerName, serviceNamed } from "../../infra/model/services";
import { unwrapSecrets } from "../engine/redact";
import type { RegisteredResource } from "../engine/run-program";
import { planResources } from "../plan/run-plan";
import { type BackupStep, installedFiles } from "./backup";
import { rehearseBackup } from "./backup-run";
import { ensureCgroupParent, removeCgroupDirs, startDaemon, waitFor } from "./daemon";
import { runStepScript, writeStepShims } from "./data-dirs-step";
import { type EngineClient, EngineError } from "./engine-client";
import {
  type ContainerInputs,
  containerPlan,
  networkCreateBody,
  uploadPath,
  volumeCreateBody,
} from "./engine-requests";
import { natsPasswordsFromEnvs, withRealPasswordHashes } from "./nats-auth";
import { buildStandIn, importImage, localTag, standInKind } from "./stand-ins";
import type { ContainerResult } from "./table";
import { singleFileTar } from "./tar";
import { makeRealTls, realContent } from "./tls";

const T = {
  network: "docker:index/network:Network",
  volume: "docker:index/volume:Volume",
  image: "docker:index/remoteImage:RemoteImage",
  container: "docker:index/container:Container",
  command: "command:local:Command",
  bucket: "digitalocean:index/spacesBucket:SpacesBucket",
};

/** Resources in an order the engine could create them: every dependency first. */
export function creationOrder(resources: readonly RegisteredResource[]): RegisteredResource[] {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const done = new Set<string>();
  const out: RegisteredResource[] = [];
  const visit = (r: RegisteredResource) => {
    if (done.has(r.urn)) return;
    done.add(r.urn);
    for (const d of r.dependencies) {
      const dep = byUrn.get(d);
      if (dep) visit(dep);
    }
    out.push(r);
  };
  for (const r of resources) visit(r);
  return out;
}

const message = (err: unknown) =>
  err instanceof EngineError ? err.message : err instanceof Error ? err.message : String(err);

export async function rehearse(opts: {
  dir: string;
  stack: string;
  healthTimeoutMs: number;
  log: (s: string) => void;
}) {
  const plan = await planResources({ dir: opts.dir, stack: opts.stack, strict: false });
  const docker = creationOrder(plan.resources.filter((r) => r.type.startsWith("docker:index/")));
  const inputs = (r: RegisteredResource) => unwrapSecrets(r.inputs) as Record<string, unknown>;
  const containers = docker
    .filter((r) => r.type === T.container)
    .map((r) => inputs(r) as unknown as ContainerInputs);
  const addresses = [
    ...new Set(
      containers
        .flatMap((c) => (c.ports ?? []).map((p) => p.ip ?? ""))
        .filter((ip) => ip && ip !== "0.0.0.0" && !ip.startsWith("127.")),
    ),
  ];
  // The command that installs titan-backup on the trading host, where the stack deploys one.
  const backupInstall = plan.resources
    .filter((r) => r.type === T.command)
    .map((r) => String(inputs(r).stdin ?? ""))
    .find((stdin) => installedFiles(stdin).has(BACKUP_PATHS.envFile));
  const bucket = plan.resources.find((r) => r.type === T.bucket);
  // Real bcrypt hashes of the passwords the containers log in with (nats-auth.ts).
  const natsPasswords = natsPasswordsFromEnvs(containers.map((c) => c.envs));
  const tmp = mkdtempSync(join(tmpdir(), "deploy-rehearsal-"));
  const netns = `rehearsal-${process.pid}`;
  const cgroups: string[] = [];
  const results: ContainerResult[] = [];
  let backup: BackupStep[] | undefined;
  let daemon: Awaited<ReturnType<typeof startDaemon>> | undefined;
  let dataMount: string | undefined;
  try {
    opts.log(
      `plan: ${docker.length} docker resources, ${containers.length} containers (stack ${opts.stack})`,
    );
    daemon = await startDaemon({ tmp, netns, addresses });
    const client = daemon.client;
    const tls = makeRealTls(tmp, addresses);
    // Stand-in images, one per plan reference, built before anything is created (the provider
    // pulls in RemoteImage, which comes first in the graph).
    const tags = new Map<string, string>();
    for (const r of docker.filter((x) => x.type === T.image)) {
      const ref = String(inputs(r).name);
      const user = containers.find((c) => c.image === ref);
      const port = user ? (serviceNamed(user.name.replace(/-config$/, "") as ContainerName).port ?? 0) : 0;
      const rootfs = join(tmp, "rootfs", r.name);
      mkdirSync(rootfs, { recursive: true });
      const standIn = buildStandIn(standInKind(ref), rootfs, port);
      await importImage(client, rootfs, localTag(ref), standIn.changes);
      rmSync(rootfs, { recursive: true, force: true });
      tags.set(ref, localTag(ref));
    }
    opts.log(`images: ${tags.size} stand-ins imported`);
    const hostRoot = join(tmp, "host");
    // The droplet's data volume: a mount point of its own, as cloud-init mounts it. Its directories
    // come only from the plan's data-dirs step (Docker refuses a missing bind source, as on a droplet).
    dataMount = join(hostRoot, DEFAULT_DATA_MOUNT_POINT);
    mkdirSync(dataMount, { recursive: true });
    execFileSync("mount", ["--bind", dataMount, dataMount]);
    const shims = writeStepShims(join(tmp, "step-bin"), { hostRoot, images: tags });
    for (const step of plan.resources.filter((r) => r.type === T.command && r.name.endsWith("-data-dirs"))) {
      const run = runStepScript(String(inputs(step).create), { shims, socket: daemon.socket });
      if (run.status !== 0)
        throw new Error(`data-dirs step ${step.name} failed (exit ${run.status}): ${run.stderr}`);
      opts.log(`${step.name}: ok (the plan's step, on the real engine)`);
    }
    const bindSource = (hostPath: string) => join(hostRoot, hostPath);
    const started: string[] = [];
    for (const r of docker) {
      const i = inputs(r);
      if (r.type === T.network)
        await client.call("POST", "/networks/create", networkCreateBody(i as { name: string }));
      if (r.type === T.volume)
        await client.call("POST", "/volumes/create", volumeCreateBody(i as { name: string }));
      if (r.type !== T.container) continue;
      const c = i as unknown as ContainerInputs;
      const result: ContainerResult = {
        container: c.name,
        created: "skipped",
        started: "skipped",
        healthy: "skipped",
        firstError: "",
      };
      results.push(result);
      const plan = containerPlan(c, { image: tags.get(c.image) ?? c.image, bindSource });
      try {
        if (c.cgroupParent) {
          const spec = serviceNamed(c.name as ContainerName);
          cgroups.push(...ensureCgroupParent(c.cgroupParent, spec.pidsLimit));
        }
        await client.call(plan.create.method, plan.create.path, plan.create.body);
        for (const call of plan.connects) {
          try {
            await client.call(call.method, call.path, call.body);
          } catch (err) {
            // The provider ignores exactly this one.
            if (!message(err).includes("is not connected to the network bridge")) throw err;
          }
        }
        for (const u of plan.uploads) {
          let text = realContent(u.file, u.content.toString("utf8"), tls);
          if (u.file === NATS_CONF_PATH)
            text = withRealPasswordHashes(text, natsPasswords, (p) => bcrypt.hashSync(p, 10));
          const tar = singleFileTar(u.file, u.mode, Buffer.from(text), Math.floor(Date.now() / 1000));
          await client.call("PUT", uploadPath(c.name), tar, "application/x-tar");
        }
        result.created = "ok";
      } catch (err) {
        result.created = "failed";
        result.firstError = message(err);
        continue;
      }
      if (!plan.start) {
        result.started = "not started (start: false)";
        result.healthy = "not started (start: false)";
        continue;
      }
      try {
        await client.call("POST", `/containers/${encodeURIComponent(c.name)}/start`);
        result.started = "ok";
        started.push(c.name);
        if (!plan.hasHealthcheck) result.healthy = "no healthcheck";
      } catch (err) {
        result.started = "failed";
        result.firstError = message(err);
      }
    }
    opts.log(
      `created ${results.length} containers; waiting for health (at most ${opts.healthTimeoutMs / 1000} s)`,
    );
    await waitForHealth(
      client,
      results.filter((r) => started.includes(r.container) && r.healthy === "skipped"),
      opts.healthTimeoutMs,
    );
    if (backupInstall !== undefined && bucket) {
      const stores: string[] = Object.values(tradingDockerRuntime().containers);
      const unhealthy = results.filter((r) => stores.includes(r.container) && r.healthy !== "ok");
      if (unhealthy.length) {
        backup = [
          {
            step: "live stores healthy",
            result: "failed",
            detail: `not healthy: ${unhealthy.map((r) => r.container).join(", ")}; backup not rehearsed`,
          },
        ];
      } else {
        const started = Date.now();
        backup = await rehearseBackup({
          dir: opts.dir,
          stack: opts.stack,
          tmp,
          hostRoot,
          socket: daemon.socket,
          client,
          bindSource,
          containers,
          installScript: backupInstall,
          bucket: { name: String(inputs(bucket).name), region: String(inputs(bucket).region) },
          log: opts.log,
        });
        opts.log(`backup rehearsed in ${Math.round((Date.now() - started) / 1000)} s`);
      }
    }
    return { results, backup, logFile: daemon.logFile };
  } finally {
    if (daemon) {
      // Containers first (their cgroups go with them), then the daemon and its namespace.
      try {
        const list = (await daemon.client.call("GET", "/containers/json?all=1")) as { Id: string }[];
        await Promise.all(
          list.map((c) =>
            daemon?.client.call("DELETE", `/containers/${c.Id}?force=1&v=1`).catch(() => undefined),
          ),
        );
      } catch {}
      await daemon.stop();
    } else {
      try {
        execFileSync("ip", ["netns", "delete", netns], { stdio: "ignore" });
      } catch {}
    }
    if (dataMount) spawnSync("umount", [dataMount]);
    const left = removeCgroupDirs(cgroups);
    if (left.length) opts.log(`could not remove cgroup directories: ${left.join(", ")}`);
    rmSync(tmp, { recursive: true, force: true });
  }
}

interface Inspect {
  State: {
    Status: string;
    ExitCode: number;
    Error: string;
    Health?: { Status: string; Log?: { ExitCode: number; Output: string }[] };
  };
}

async function waitForHealth(client: EngineClient, pending: ContainerResult[], timeoutMs: number) {
  const open = new Set(pending);
  const state = new Map<ContainerResult, Inspect>();
  await waitFor(
    async () => {
      for (const r of [...open]) {
        const info = (await client.call(
          "GET",
          `/containers/${encodeURIComponent(r.container)}/json`,
        )) as Inspect;
        state.set(r, info);
        const health = info.State.Health?.Status;
        if (health === "healthy") {
          r.healthy = "ok";
          open.delete(r);
        } else if (health === "unhealthy" || info.State.Status === "exited" || info.State.Status === "dead") {
          r.healthy = "failed";
          open.delete(r);
        }
      }
      return open.size === 0;
    },
    timeoutMs,
    1000,
  );
  for (const r of pending) {
    if (r.healthy === "skipped") r.healthy = "failed";
    if (r.healthy !== "failed" || r.firstError) continue;
    const info = state.get(r);
    const probe = info?.State.Health?.Log?.at(-1);
    let logs = "";
    try {
      logs = (
        await client.raw(
          "GET",
          `/containers/${encodeURIComponent(r.container)}/logs?stdout=1&stderr=1&tail=3`,
        )
      ).body
        .toString("latin1")
        // The log stream's 8-byte frame headers: keep printable text only.
        .replace(/[^\t\n\r -~]/g, "");
    } catch {}
    r.firstError = [
      info ? `state ${info.State.Status} (exit ${info.State.ExitCode})` : "",
      probe ? `probe exit ${probe.ExitCode}: ${probe.Output.trim()}` : "",
      logs ? `logs: ${logs.trim()}` : "",
    ]
      .filter(Boolean)
      .join("; ");
  }
}
