// Reading property bags that may hold values unknown at preview. The policy SDK wraps every bag
// in a proxy that throws UnknownValueError on the first unknown it is asked for; a stack policy
// that lets it escape loses every other check it would have made (the SDK turns the whole policy
// into one advisory "can't run during preview"). These readers keep going, record what could not
// be read, and let the policy throw once at the end (see `UnknownDuringPreview`).
// The class lives in the SDK's proxy module, which its index re-exports (the same object). Importing
// the module itself spares every fresh test worker the index's load of @pulumi/pulumi (about 0.6 s).
import * as proxy from "@pulumi/policy/proxy";

/** The SDK's error for an unknown value; its declaration file is stripped, so it is typed here. */
export interface UnknownValueError extends Error {
  readonly unknownTypeSentinel: unknown;
  readonly props: string[];
}
const UnknownValueError = (
  proxy as unknown as {
    UnknownValueError: new (sentinel: unknown, props: string[]) => UnknownValueError;
  }
).UnknownValueError;

export function isUnknownValueError(error: unknown): error is UnknownValueError {
  return error instanceof UnknownValueError;
}

/** Runs `read`; an unknown value becomes `undefined` and is remembered in `unknowns`. */
export function readKnown<T>(read: () => T, unknowns: UnknownValueError[]): T | undefined {
  try {
    return read();
  } catch (error) {
    if (isUnknownValueError(error)) {
      unknowns.push(error);
      return undefined;
    }
    throw error;
  }
}

export interface FoundText {
  /** Dotted path inside the bag, e.g. `envs.3`, `labels.0.value`, `uploads.1.content`. */
  readonly path: string;
  readonly text: string;
}

/**
 * Every string (and number) in a property tree with its path, unknown parts skipped and recorded.
 * `uploads[].contentBase64` is also given decoded, because that is the file Docker writes.
 */
export function knownTexts(value: unknown, unknowns: UnknownValueError[], path = ""): FoundText[] {
  if (typeof value === "string") return [{ path, text: value }];
  if (typeof value === "number" && Number.isFinite(value)) return [{ path, text: String(value) }];
  if (typeof value !== "object" || value === null) return [];
  const keys = readKnown(() => Object.keys(value), unknowns) ?? [];
  const out: FoundText[] = [];
  for (const key of keys) {
    const child = readKnown(() => (value as Record<string, unknown>)[key], unknowns);
    const childPath = path === "" ? key : `${path}.${key}`;
    out.push(...knownTexts(child, unknowns, childPath));
    if (key === "contentBase64" && typeof child === "string")
      out.push({ path: `${childPath}(decoded)`, text: Buffer.from(child, "base64").toString("utf8") });
  }
  return out;
}

/**
 * Thrown by a stack policy after it has reported everything it could judge: the SDK reports it as
 * an advisory "can't run ... during preview: <message>", so the values that could not be compared
 * are named instead of silently passing. At `pulumi up` the engine sends final outputs and the
 * comparison runs in full.
 */
export class UnknownDuringPreview extends UnknownValueError {
  constructor(first: UnknownValueError, what: string) {
    super(first.unknownTypeSentinel, first.props);
    this.message = what;
  }
}

/** Unknown values met while judging a stack, one per resource and property path. */
export class UnknownValues {
  private readonly byPlace = new Map<string, UnknownValueError>();

  /** Records what `read` met unknown in the resource `where` (e.g. `container 'titan-brain'`). */
  within<T>(where: string, read: (unknowns: UnknownValueError[]) => T): T {
    const unknowns: UnknownValueError[] = [];
    const result = read(unknowns);
    for (const e of unknowns) this.byPlace.set(`${where} .${e.props.join(".")}`, e);
    return result;
  }

  /** After everything else was judged: hands the SDK one unknown-value error that says what was not. */
  throwIfAny(describe: (count: number, first: string) => string): void {
    const [first] = this.byPlace;
    if (first) throw new UnknownDuringPreview(first[1], describe(this.byPlace.size, first[0]));
  }
}
