/**
 * OpenSSH public key checks. Parsed from the wire format (RFC 4253 §6.6) rather than matched by
 * regex, so a key whose declared type disagrees with its body, or a truncated key, is refused.
 * sshpk does not know the hardware-backed `sk-` types, hence this small parser.
 */
export const HARDWARE_KEY_TYPES = [
  "sk-ssh-ed25519@openssh.com",
  "sk-ecdsa-sha2-nistp256@openssh.com",
] as const;
const SOFTWARE_KEY_TYPES = [
  "ssh-ed25519",
  "ecdsa-sha2-nistp256",
  "ecdsa-sha2-nistp384",
  "ecdsa-sha2-nistp521",
  "ssh-rsa",
] as const;
const MIN_RSA_BITS = 3072;

export interface ParsedSshKey {
  type: string;
  hardwareBacked: boolean;
  bits?: number;
  comment?: string;
}

function readString(buf: Buffer, offset: number): { value: Buffer; next: number } {
  if (offset + 4 > buf.length) throw new Error("truncated key body");
  const len = buf.readUInt32BE(offset);
  const start = offset + 4;
  if (start + len > buf.length) throw new Error("truncated key body");
  return { value: buf.subarray(start, start + len), next: start + len };
}

/** Returns the parsed key, or throws with a reason fit for an error message. */
export function parseSshPublicKey(line: string): ParsedSshKey {
  const parts = line.trim().split(/\s+/);
  const [type, body, ...comment] = parts;
  if (!type || !body) throw new Error("expected '<type> <base64> [comment]'");
  const known = [...SOFTWARE_KEY_TYPES, ...HARDWARE_KEY_TYPES] as readonly string[];
  if (!known.includes(type)) {
    throw new Error(
      `key type '${type}' is not accepted (use ed25519, ecdsa, rsa ≥ ${MIN_RSA_BITS} or sk- keys)`,
    );
  }
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(body)) throw new Error("key body is not base64");
  const blob = Buffer.from(body, "base64");
  const declared = readString(blob, 0);
  if (declared.value.toString("latin1") !== type) {
    throw new Error(`key body says '${declared.value.toString("latin1")}' but the line says '${type}'`);
  }
  const parsed: ParsedSshKey = {
    type,
    hardwareBacked: (HARDWARE_KEY_TYPES as readonly string[]).includes(type),
    ...(comment.length > 0 ? { comment: comment.join(" ") } : {}),
  };
  if (type === "ssh-rsa") {
    const exponent = readString(blob, declared.next);
    const modulus = readString(blob, exponent.next);
    // The modulus is a signed mpint: a leading zero byte only carries the sign.
    const bytes = modulus.value[0] === 0 ? modulus.value.length - 1 : modulus.value.length;
    parsed.bits = bytes * 8;
    if (parsed.bits < MIN_RSA_BITS)
      throw new Error(`RSA key has ${parsed.bits} bits; at least ${MIN_RSA_BITS} needed`);
  } else {
    // Every other accepted type carries at least one more field; an empty remainder is a truncated key.
    readString(blob, declared.next);
  }
  return parsed;
}
