// A secret copied somewhere under an encoding is still the secret: base64 (standard or URL-safe,
// alone or inside a longer encoded text such as `user:secret`) and hex. Plain text search misses
// those, so each secret is also searched in its encoded forms.

/** Shortest encoded fragment searched: shorter ones would match ordinary text by chance. */
const MIN_FRAGMENT = 16;

const cache = new Map<string, readonly EncodedForm[]>();

interface EncodedForm {
  readonly text: string;
  readonly encoding: "base64" | "hex";
}

/**
 * The base64 characters fixed by the secret's bytes alone, at each of the three alignments it can
 * have inside a longer encoded text: the 4-character groups that also hold neighbouring bytes are
 * dropped at both ends.
 */
function base64Fragments(bytes: Buffer): string[] {
  const out: string[] = [];
  for (let lead = 0; lead < 3; lead++) {
    const encoded = Buffer.concat([Buffer.alloc(lead), bytes]).toString("base64");
    const start = lead === 0 ? 0 : 4;
    const whole = Math.floor((lead + bytes.length) / 3) * 4;
    // A trailing partial group also holds the bytes that follow the secret: dropped.
    const fragment = encoded.slice(start, whole);
    if (fragment.length >= MIN_FRAGMENT)
      out.push(fragment, fragment.replaceAll("+", "-").replaceAll("/", "_"));
  }
  return out;
}

function encodedForms(value: string): readonly EncodedForm[] {
  const cached = cache.get(value);
  if (cached) return cached;
  const bytes = Buffer.from(value, "utf8");
  const hex = bytes.toString("hex");
  const forms: EncodedForm[] = [
    ...Array.from(new Set(base64Fragments(bytes)), (text) => ({ text, encoding: "base64" as const })),
    { text: hex, encoding: "hex" },
    { text: hex.toUpperCase(), encoding: "hex" },
  ];
  cache.set(value, forms);
  return forms;
}

/** How `text` carries `secret`: "plain", "base64", "hex", or undefined when it does not. */
export function secretIn(text: string, secret: string): "plain" | "base64" | "hex" | undefined {
  if (text.includes(secret)) return "plain";
  return encodedForms(secret).find((f) => text.includes(f.text))?.encoding;
}

/** The words a message adds for an encoded copy. */
export const encodingNote = (how: "plain" | "base64" | "hex") => (how === "plain" ? "" : ` (${how}-encoded)`);
