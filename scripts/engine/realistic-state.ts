import { createHash } from "node:crypto";
import ipaddr from "ipaddr.js";

/**
 * Deterministic, realistic provider outputs for the offline run: numeric droplet ids, private
 * addresses inside the VPC range, public addresses from documentation ranges, image digests.
 */
export class RealisticState {
  private nextHost = 10;
  private nextPublic = 20;
  private nextId = 412_000_001;

  constructor(private readonly vpcCidr: string) {}

  /** A stable hex digest of a name, for ids and image digests that do not change between runs. */
  static digest(seed: string, length = 64): string {
    return createHash("sha256").update(seed).digest("hex").slice(0, length);
  }

  static uuid(seed: string): string {
    const h = RealisticState.digest(seed, 32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
  }

  dropletId(): string {
    return String(this.nextId++);
  }

  /** The next host address inside the VPC range (DigitalOcean hands out from the bottom). */
  privateAddress(): string {
    const [net] = ipaddr.parseCIDR(this.vpcCidr);
    const bytes = net.toByteArray();
    const base = ((bytes[0] ?? 0) << 24) | ((bytes[1] ?? 0) << 16) | ((bytes[2] ?? 0) << 8) | (bytes[3] ?? 0);
    const value = (base >>> 0) + this.nextHost++;
    return ipaddr
      .fromByteArray([(value >>> 24) & 255, (value >>> 16) & 255, (value >>> 8) & 255, value & 255])
      .toString();
  }

  /** Public addresses from TEST-NET-2 (RFC 5737): realistic in form, never anyone's host. */
  publicAddress(): string {
    return `198.51.100.${this.nextPublic++}`;
  }
}
