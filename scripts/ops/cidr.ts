import ipaddr from "ipaddr.js";

/** Parses an address, folding IPv4-mapped IPv6 (::ffff:a.b.c.d) back to IPv4. Throws on garbage. */
function parseAddress(address: string): ipaddr.IPv4 | ipaddr.IPv6 {
  return ipaddr.process(address.trim());
}

function isValidCidr(cidr: string): boolean {
  return ipaddr.isValidCIDR(cidr.trim());
}

/** The allow-list entries (CIDRs) that contain `address`; an empty list means "not allowed". */
export function matchingCidrs(address: string, allowlist: readonly string[]): string[] {
  const ip = parseAddress(address);
  return allowlist.filter((cidr) => {
    if (!isValidCidr(cidr)) return false;
    const [network, bits] = ipaddr.parseCIDR(cidr.trim());
    const candidate =
      network.kind() === "ipv6" && ip.kind() === "ipv4" ? (ip as ipaddr.IPv4).toIPv4MappedAddress() : ip;
    if (candidate.kind() !== network.kind()) return false;
    return candidate.match(network, bits);
  });
}
