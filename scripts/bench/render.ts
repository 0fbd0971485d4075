import type { BenchResults } from "./results";

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const minutes = (s: number) => `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;

function rows(title: string, body: [string, string][]): string[] {
  const width = Math.max(...body.map(([k]) => k.length));
  return [title, ...body.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`), ""];
}

/** The table `npm run bench` prints. */
export function renderBench(r: BenchResults): string {
  const p = r.plan;
  const planRows: [string, string][] = [
    [`prod (${p.prod.resources} resources)`, seconds(p.prod.medianMs)],
    [`bench10 (${p.bench10.resources})`, `${seconds(p.bench10.medianMs)}  ×${p.bench10.ratioToProd} of prod`],
    [`bench50 (${p.bench50.resources})`, `${seconds(p.bench50.medianMs)}  ×${p.bench50.ratioToProd} of prod`],
    ["prod, --typecheck-policy", seconds(p.typecheckedPack.medianMs)],
  ];
  const pol = r.policy;
  const policyRows: [string, string][] = [
    [
      `prod (${pol.prod.resources} resources)`,
      `${pol.prod.resourcesPerSecond} resources/s (Analyze ${pol.prod.analyzeMs} ms, AnalyzeStack ${pol.prod.analyzeStackMs} ms)`,
    ],
    [
      `bench50 (${pol.bench50.resources})`,
      `${pol.bench50.resourcesPerSecond} resources/s (Analyze ${pol.bench50.analyzeMs} ms, AnalyzeStack ${pol.bench50.analyzeStackMs} ms)`,
    ],
    [
      `all disabled, bench10 (${pol.perPolicy.resources})`,
      `${pol.perPolicy.baselineMs} ms (protocol and dispatch)`,
    ],
    ...pol.perPolicy.costs.map((c): [string, string] => [`  ${c.policy}`, `+${c.ms} ms`]),
  ];
  const d = r.deploy;
  const deployRows: [string, string][] = [
    ["estimate (critical path)", minutes(d.estimateSeconds)],
    ["lower bound", minutes(d.lowerBoundSeconds)],
    ...d.criticalPath.map((s): [string, string] => [`  ${s.name}`, `+${s.seconds} s → ${s.finishAt} s`]),
    ...d.checks.map((c): [string, string] => [`${c.pass ? "PASS" : "FAIL"} ${c.check}`, c.detail]),
  ];
  const c = r.cost;
  return [
    `npm run bench: ${r.machine.cpus} × ${r.machine.cpuModel}, node ${r.machine.node}, load ${r.machine.loadAverageAtStart.join(" ")}`,
    "",
    ...rows(`Offline plan wall time, median of ${p.runsPerStack} cold runs`, planRows),
    ...rows("Policy evaluation through the analyzer protocol", policyRows),
    ...rows(`Greenfield deploy (latencies as of ${d.latenciesAsOf})`, deployRows),
    ...rows(`Monthly cost (list prices as of ${c.pricesAsOf})`, [
      ["prod", `$${c.prodMonthlyUsd.toFixed(2)}`],
      ["single", `$${c.singleMonthlyUsd.toFixed(2)}`],
      ["Titan baseline (one s-4vcpu-8gb)", `$${c.titanBaselineMonthlyUsd.toFixed(2)}`],
    ]),
    ...(r.suite
      ? rows("Test suite", [["npx vitest run", `${seconds(r.suite.wallMs)} (exit ${r.suite.exitCode})`]])
      : []),
  ].join("\n");
}
