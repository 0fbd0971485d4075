import * as ipaddr from "ipaddr.js";

// Every address is placed in one 128-bit space (IPv4 as IPv4-mapped IPv6, ::ffff:a.b.c.d), so a
// rule can never dodge a check by writing an IPv4 range in IPv6 notation.

export interface AddressRange {
  readonly first: bigint;
  readonly last: bigint;
}

export interface ParsedCidr extends AddressRange {
  /** The text as written (trimmed). */
  readonly text: string;
  readonly family: "ipv4" | "ipv6";
  /** Prefix length in the address's own family (an IPv4-mapped /112 is an IPv4 /16). */
  readonly prefix: number;
}

const MAPPED_V4_BASE = 0xffffn << 32n;

function bytesToBigInt(bytes: number[]): bigint {
  return bytes.reduce((acc, byte) => (acc << 8n) + BigInt(byte), 0n);
}

function rangeOf(base: bigint, hostBits: number): AddressRange {
  const size = 1n << BigInt(hostBits);
  const first = base - (base % size);
  return { first, last: first + size - 1n };
}

/** Parses "a.b.c.d", "a.b.c.d/n", "v6", "v6/n" (whitespace tolerated); undefined if unparseable. */
export function parseCidr(raw: string): ParsedCidr | undefined {
  const text = raw.trim();
  if (text === "") return undefined;
  try {
    const [address, prefix] = text.includes("/") ? ipaddr.parseCIDR(text) : hostCidr(text);
    if (address.kind() === "ipv4") {
      const value = MAPPED_V4_BASE + bytesToBigInt(address.toByteArray());
      return { text, family: "ipv4", prefix, ...rangeOf(value, 32 - prefix) };
    }
    const v6 = address as ipaddr.IPv6;
    const value = bytesToBigInt(v6.toByteArray());
    const range = rangeOf(value, 128 - prefix);
    if (v6.isIPv4MappedAddress() && prefix >= 96) {
      return { text, family: "ipv4", prefix: prefix - 96, ...range };
    }
    return { text, family: "ipv6", prefix, ...range };
  } catch {
    return undefined;
  }
}

function hostCidr(text: string): [ipaddr.IPv4 | ipaddr.IPv6, number] {
  const address = ipaddr.parse(text);
  return [address, address.kind() === "ipv4" ? 32 : 128];
}

function mustParse(text: string): ParsedCidr {
  const parsed = parseCidr(text);
  if (!parsed) throw new Error(`invalid built-in CIDR ${text}`);
  return parsed;
}

/** Ranges that are not reachable from the internet: everything else counts as public. */
const NON_PUBLIC_RANGES: readonly ParsedCidr[] = [
  "10.0.0.0/8",
  "172.16.0.0/12",
  "192.168.0.0/16",
  "127.0.0.0/8",
  "169.254.0.0/16",
  "100.64.0.0/10",
  "::1/128",
  "fe80::/10",
  "fc00::/7",
].map(mustParse);

/** True when `inner` lies entirely inside the union of `cover` ranges. */
export function isCoveredBy(inner: AddressRange, cover: readonly AddressRange[]): boolean {
  const sorted = [...cover].sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
  let next = inner.first;
  for (const range of sorted) {
    if (range.last < next) continue;
    if (range.first > next) return false;
    if (range.last >= inner.last) return true;
    next = range.last + 1n;
  }
  return false;
}

export function containsRange(outer: AddressRange, inner: AddressRange): boolean {
  return outer.first <= inner.first && inner.last <= outer.last;
}

/** A source is public if ANY address in it is public; unparseable text is public (fail closed). */
export function isPublicSource(raw: string): boolean {
  const parsed = parseCidr(raw);
  if (!parsed) return true;
  return !isCoveredBy(parsed, NON_PUBLIC_RANGES);
}

/** Loopback only (127/8, ::1), the only place an internal port may be bound without a firewall. */
export function isLoopback(raw: string): boolean {
  const parsed = parseCidr(raw);
  if (!parsed) return false;
  return isCoveredBy(parsed, [mustParse("127.0.0.0/8"), mustParse("::1/128")]);
}
