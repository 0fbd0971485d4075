import type { Role } from "../config/schema";

/** DigitalOcean tag names. Firewalls select droplets by these, and the policy pack reads them. */
export const roleTag = (role: Role) => `titan-${role}`;
export const envTag = (stack: string) => `titan-env-${stack.toLowerCase().replace(/[^a-z0-9-]/g, "-")}`;

/** Roles present in a topology, in creation order. */
export const rolesOf = (topology: "split" | "single"): Role[] =>
  topology === "split" ? ["edge", "trading"] : ["single"];
