import ipaddr from "ipaddr.js";

export type Cidr = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** Parses "a.b.c.d/n", "x::/n" or a bare address (a host). Throws on anything malformed. */
export function parseCidrOrHost(text: string): Cidr {
  const trimmed = text.trim();
  if (trimmed.includes("/")) return ipaddr.parseCIDR(trimmed);
  if (!ipaddr.isValid(trimmed)) throw new Error("not an IP address or CIDR");
  const addr = ipaddr.parse(trimmed);
  return [addr, addr.kind() === "ipv4" ? 32 : 128];
}

/** Canonical text form, e.g. "203.0.113.10/32", with the host bits checked to be zero. */
export function canonicalCidr([addr, prefix]: Cidr): string {
  const network =
    addr.kind() === "ipv4"
      ? ipaddr.IPv4.networkAddressFromCIDR(`${addr.toString()}/${prefix}`)
      : ipaddr.IPv6.networkAddressFromCIDR(`${addr.toString()}/${prefix}`);
  return `${network.toString()}/${prefix}`;
}

export function hostBitsAreZero(cidr: Cidr): boolean {
  const [addr, prefix] = cidr;
  return canonicalCidr(cidr) === `${addr.toString()}/${prefix}`;
}

const RFC1918: readonly string[] = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"];

/**
 * Ranges a DigitalOcean VPC must not overlap: DigitalOcean reserves the first three for its own
 * networking (DOKS), and 172.17.0.0/16 is Docker's default bridge, which would shadow VPC routes
 * on every droplet that runs Docker.
 */
export const VPC_FORBIDDEN_OVERLAPS: readonly string[] = [
  "10.244.0.0/16",
  "10.245.0.0/16",
  "10.246.0.0/24",
  "172.17.0.0/16",
];

export function isInsideRfc1918(cidr: Cidr): boolean {
  const [addr, prefix] = cidr;
  if (addr.kind() !== "ipv4") return false;
  return RFC1918.some((range) => {
    const [net, len] = ipaddr.parseCIDR(range);
    return prefix >= len && addr.match(net, len);
  });
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  if (a[0].kind() !== b[0].kind()) return false;
  const shorter = Math.min(a[1], b[1]);
  return a[0].match(b[0], shorter);
}
