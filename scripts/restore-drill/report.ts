// The drill's two text interfaces, parsed here so the shell stays small: `titan-backup snapshots`
// (restic's JSON) to choose a snapshot for --at, and `titan-backup drill` (tab-separated lines).
// Lines of a store it does not know are skipped, so an older parser reads a newer drill's output
// and this one reads an older drill's (no `state` or `flag` lines: empty lists).
import { z } from "zod";

const Snapshots = z.array(z.object({ id: z.string(), short_id: z.string().optional(), time: z.string() }));

export interface ChosenSnapshot {
  id: string;
  time: string;
}

/** The newest snapshot taken at or before `at` (default: the newest). */
export function pickSnapshot(snapshotsJson: string, at?: Date): ChosenSnapshot {
  const all = Snapshots.parse(JSON.parse(snapshotsJson.trim() === "" ? "[]" : snapshotsJson))
    .map((s) => ({ id: s.id, time: s.time, ms: Date.parse(s.time) }))
    .sort((a, b) => a.ms - b.ms);
  if (all.length === 0) throw new Error("the repository holds no titan-backup snapshot: nothing to restore");
  const eligible = at ? all.filter((s) => s.ms <= at.getTime()) : all;
  const chosen = eligible.at(-1);
  if (!chosen) {
    throw new Error(`no snapshot at or before ${at?.toISOString()}; the oldest is ${all[0]?.time}`);
  }
  return { id: chosen.id, time: chosen.time };
}

const Jsz = z.object({
  account_details: z
    .array(
      z.object({
        stream_detail: z
          .array(z.object({ name: z.string(), state: z.object({ messages: z.number() }) }))
          .optional(),
      }),
    )
    .optional(),
});

export interface DrillResult {
  snapshot: ChosenSnapshot;
  tables: { name: string; rows: number }[];
  streams: { name: string; messages: number }[];
  redisKeys: number;
  /** Titan's state directories: files restored per directory, or absent from the snapshot. */
  stateDirs: { name: string; files: number | "absent" }[];
  /** Flag files (`execution/system.halt`): whether each came back. */
  flags: { file: string; present: boolean }[];
}

function count(text: string, what: string): number {
  if (!/^\d+$/.test(text)) throw new Error(`drill output: ${what} count '${text}' is not a number`);
  return Number(text);
}

/** Parses `titan-backup drill`'s output; refuses one that did not reach its final `drill ok` line. */
export function parseDrillOutput(text: string): DrillResult {
  let snapshot: ChosenSnapshot | undefined;
  const tables: DrillResult["tables"] = [];
  let streams: DrillResult["streams"] = [];
  let redisKeys: number | undefined;
  const stateDirs: DrillResult["stateDirs"] = [];
  const flags: DrillResult["flags"] = [];
  let ok = false;
  for (const line of text.split("\n")) {
    const [store, item = "", value = ""] = line.split("\t");
    if (store === "snapshot") snapshot = { id: item, time: value };
    else if (store === "postgres") tables.push({ name: item, rows: count(value, item) });
    else if (store === "jetstream") {
      const jsz = Jsz.parse(JSON.parse(value));
      streams = (jsz.account_details ?? []).flatMap((a) =>
        (a.stream_detail ?? []).map((s) => ({ name: s.name, messages: s.state.messages })),
      );
    } else if (store === "redis") redisKeys = count(value, "redis keys");
    else if (store === "state")
      stateDirs.push({ name: item, files: value === "absent" ? "absent" : count(value, `state ${item}`) });
    else if (store === "flag") {
      if (value !== "present" && value !== "absent")
        throw new Error(`drill output: flag ${item} is '${value}', not present or absent`);
      flags.push({ file: item, present: value === "present" });
    } else if (store === "drill" && item === "ok") ok = true;
  }
  if (!ok || !snapshot || redisKeys === undefined) {
    throw new Error(
      "the drill did not finish (no 'drill ok' line): see its error above; the scratch was removed",
    );
  }
  return {
    snapshot,
    tables,
    streams: streams.sort((a, b) => a.name.localeCompare(b.name)),
    redisKeys,
    stateDirs,
    flags,
  };
}

/** A plain-text table of what the restored snapshot holds. */
export function renderDrill(r: DrillResult): string {
  const rows: [string, string, string][] = [
    ...r.tables.map((t): [string, string, string] => ["postgres", t.name, `${t.rows} rows`]),
    ...r.streams.map((s): [string, string, string] => ["jetstream", s.name, `${s.messages} messages`]),
    ["redis", "all databases", `${r.redisKeys} keys`],
    ...r.stateDirs.map((d): [string, string, string] => [
      "state",
      d.name,
      d.files === "absent" ? "not in snapshot" : `${d.files} files`,
    ]),
    ...r.flags.map((f): [string, string, string] => ["flag", f.file, f.present ? "present" : "absent"]),
  ];
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((row) => row[i]?.length ?? 0), 5));
  const fmt = (row: readonly string[]) =>
    row
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  return [
    `Restore drill of snapshot ${r.snapshot.id.slice(0, 8)} taken ${r.snapshot.time}`,
    fmt(["store", "item", "count"]),
    ...rows.map(fmt),
  ].join("\n");
}
