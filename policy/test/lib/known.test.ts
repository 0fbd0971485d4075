import * as proxy from "@pulumi/policy/proxy";
import { describe, expect, it } from "vitest";
import { isUnknownValueError, knownTexts, readKnown, type UnknownValueError } from "../../lib/known";
import { fakeSecret } from "../graph-fixtures";
import { UNKNOWN_STRING } from "../stack-graph";

// The SDK's proxy, as the pack server wraps every property bag (see stack-graph.ts).
const { unknownCheckingProxy } = proxy as unknown as { unknownCheckingProxy: <T>(value: T) => T };
const b64 = (text: string) => Buffer.from(text).toString("base64");

describe("readKnown", () => {
  it("turns an unknown value into undefined and records it", () => {
    const unknowns: UnknownValueError[] = [];
    const bag = unknownCheckingProxy({ name: UNKNOWN_STRING, image: "titan" });
    expect(readKnown(() => bag.name, unknowns)).toBeUndefined();
    expect(readKnown(() => bag.image, unknowns)).toBe("titan");
    expect(unknowns).toHaveLength(1);
    expect(isUnknownValueError(unknowns[0])).toBe(true);
  });

  it("lets any other error escape: a broken reader is a failure, not an unknown that passes", () => {
    const unknowns: UnknownValueError[] = [];
    expect(() =>
      readKnown(() => {
        throw new TypeError("broken reader");
      }, unknowns),
    ).toThrow("broken reader");
    expect(unknowns).toEqual([]);
  });
});

describe("knownTexts", () => {
  it("gives every string and finite number with its dotted path; other values are not text", () => {
    const bag = unknownCheckingProxy({
      name: "titan-brain",
      ports: [{ internal: 8080, external: Number.NaN }, { internal: Number.POSITIVE_INFINITY }],
      restart: null,
      privileged: false,
      labels: [{ label: "a", value: "b" }],
    });
    expect(knownTexts(bag, [])).toEqual([
      { path: "name", text: "titan-brain" },
      { path: "ports.0.internal", text: "8080" },
      { path: "labels.0.label", text: "a" },
      { path: "labels.0.value", text: "b" },
    ]);
    expect(knownTexts(42, [], "port")).toEqual([{ path: "port", text: "42" }]);
    expect(knownTexts(Number.NaN, [], "port")).toEqual([]);
  });

  it("skips and records unknown parts, keeping the known ones", () => {
    const unknowns: UnknownValueError[] = [];
    const bag = unknownCheckingProxy({ envs: ["A=b", UNKNOWN_STRING], command: UNKNOWN_STRING });
    expect(knownTexts(bag, unknowns)).toEqual([{ path: "envs.0", text: "A=b" }]);
    expect(unknowns.map((e) => e.props.join("."))).toEqual(["envs.1", "command"]);
  });

  it("gives an upload's contentBase64 decoded as well, the file Docker writes", () => {
    const secret = fakeSecret("upload");
    const bag = unknownCheckingProxy({
      uploads: [
        { file: "/etc/titan/k", contentBase64: b64(secret) },
        { file: "/etc/titan/plain", content: b64(secret) },
      ],
    });
    expect(knownTexts(bag, [])).toEqual([
      { path: "uploads.0.file", text: "/etc/titan/k" },
      { path: "uploads.0.contentBase64", text: b64(secret) },
      { path: "uploads.0.contentBase64(decoded)", text: secret },
      { path: "uploads.1.file", text: "/etc/titan/plain" },
      { path: "uploads.1.content", text: b64(secret) },
    ]);
  });

  it("records a contentBase64 unknown at preview without trying to decode it", () => {
    const unknowns: UnknownValueError[] = [];
    const bag = unknownCheckingProxy({ uploads: [{ file: "/etc/titan/k", contentBase64: UNKNOWN_STRING }] });
    expect(knownTexts(bag, unknowns)).toEqual([{ path: "uploads.0.file", text: "/etc/titan/k" }]);
    expect(unknowns.map((e) => e.props.join("."))).toEqual(["uploads.0.contentBase64"]);
  });
});
