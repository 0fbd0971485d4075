// The vocabulary of the deployment, defined once: topologies, droplet roles, service planes, the
// tags that name roles to firewalls (and to the policy pack), and the data volume's name.

/** split: an edge droplet and a trading droplet; single: one droplet with both planes. */
export const TOPOLOGIES = ["split", "single"] as const;
export type Topology = (typeof TOPOLOGIES)[number];

/** A droplet's role. */
export const ROLES = ["edge", "trading", "single"] as const;
export type Role = (typeof ROLES)[number];

/** Where a service runs: the internet-facing plane or the trading plane. */
export type Plane = "edge" | "trading";

/** The planes each droplet role serves. */
export const PLANES_OF_ROLE: Readonly<Record<Role, readonly Plane[]>> = {
  edge: ["edge"],
  trading: ["trading"],
  single: ["edge", "trading"],
};

/** Roles present in a topology, in creation order. */
export const rolesOf = (topology: Topology): Role[] =>
  topology === "split" ? ["edge", "trading"] : ["single"];

/** The role that answers the internet and carries the reserved IP. */
export const publicRole = (topology: Topology): Role => (topology === "split" ? "edge" : "single");

/** The role that trades: it holds the exchange keys and the data volume. */
export const tradingRole = (topology: Topology): Role => (topology === "split" ? "trading" : "single");

/** Roles whose droplet holds state (data volume, the exchanges' whitelisted egress IP). */
export const STATEFUL_ROLES: readonly Role[] = ["trading", "single"];

/** DigitalOcean tag names. Firewalls select droplets by these, and the policy pack reads them. */
export const roleTag = (role: Role) => `titan-${role}`;
export const envTag = (stack: string) => `titan-env-${stack.toLowerCase().replace(/[^a-z0-9-]/g, "-")}`;

/**
 * The trading role's block volume. DigitalOcean volume names: lower-case letters, digits and
 * hyphens; the droplet sees it at /dev/disk/by-id/scsi-0DO_Volume_<name>, which cloud-init mounts.
 */
export const dataVolumeName = (stack: string) => `titan-${stack}-data`;
