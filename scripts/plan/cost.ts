import prices from "../../data/digitalocean-prices.json";
import { unwrapSecrets } from "../engine/redact";
import type { RegisteredResource } from "../engine/run-program";

export interface CostItem {
  resource: string;
  what: string;
  monthlyUsd: number;
}
export interface CostEstimate {
  monthlyUsd: number;
  items: CostItem[];
  pricesAsOf: string;
  unknownSizes: string[];
}

const round = (n: number) => Math.round(n * 100) / 100;
const dropletPrices: Record<string, number> = prices.dropletMonthlyUsd;

/** Monthly estimate from the dated list-price table in data/digitalocean-prices.json. */
export function estimateMonthlyCost(resources: RegisteredResource[]): CostEstimate {
  const items: CostItem[] = [];
  const unknownSizes: string[] = [];
  for (const r of resources) {
    const p = unwrapSecrets(r.inputs) as Record<string, unknown>;
    if (r.type === "digitalocean:index/droplet:Droplet") {
      const size = String(p.size);
      const base = dropletPrices[size];
      if (base === undefined) {
        unknownSizes.push(size);
        continue;
      }
      items.push({ resource: r.name, what: `droplet ${size}`, monthlyUsd: base });
      if (p.backups === true) {
        // The provider's default plan is weekly; backupPolicy.plan "daily" costs 30 % instead of 20 %.
        const daily = (p.backupPolicy as { plan?: unknown } | undefined)?.plan === "daily";
        const fraction = daily ? prices.dailyBackupsFractionOfDroplet : prices.weeklyBackupsFractionOfDroplet;
        items.push({
          resource: r.name,
          what: `${daily ? "daily" : "weekly"} backups (${Math.round(fraction * 100)} %)`,
          monthlyUsd: round(base * fraction),
        });
      }
    } else if (r.type === "digitalocean:index/volume:Volume") {
      const gib = Number(p.size);
      items.push({
        resource: r.name,
        what: `volume ${gib} GiB`,
        monthlyUsd: round(gib * prices.volumeUsdPerGibMonth),
      });
    } else if (r.type === "digitalocean:index/reservedIp:ReservedIp") {
      const assigned = p.dropletId !== undefined;
      items.push({
        resource: r.name,
        what: assigned ? "reserved IP (assigned)" : "reserved IP (unassigned)",
        monthlyUsd: assigned ? prices.reservedIpAssignedMonthlyUsd : prices.reservedIpUnassignedMonthlyUsd,
      });
    }
  }
  return {
    monthlyUsd: round(items.reduce((sum, i) => sum + i.monthlyUsd, 0)),
    items,
    pricesAsOf: prices.asOf,
    unknownSizes,
  };
}

/** The price of one droplet size, for comparisons such as the Titan baseline. */
export const dropletMonthlyUsd = (size: string): number | undefined => dropletPrices[size];
