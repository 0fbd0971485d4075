// user-data-no-secrets hole classes of issue 12: encoded write_files, credentials in URLs, and the
// false positive on a comment that only mentions a token.
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { userDataNoSecrets } from "../../policies/user-data-no-secrets";
import { T } from "../fixtures";
import { runResourcePolicy } from "../helpers";

const urn = `urn:pulumi:test::titan::${T.droplet}::d`;
const check = (userData: string) =>
  runResourcePolicy(userDataNoSecrets, { type: T.droplet, name: "d", props: { userData } });
const said = (what: string) =>
  `Droplet 'd' (${urn}): userData contains ${what}. Fix: deliver secrets to containers over the Docker provider (envs or uploads), never in cloud-init.`;
const fakeSecret = `fake-${"x".repeat(12)}`;
const writeFile = (encoding: string, content: string) =>
  `#cloud-config\nwrite_files:\n  - path: /etc/titan/env\n    encoding: ${encoding}\n    content: ${content}\n`;

describe("user-data-no-secrets: holes", () => {
  it("decodes b64 and gz+b64 write_files and finds the secret inside", async () => {
    const plain = `HMAC_SECRET=${fakeSecret}\n`;
    expect(await check(writeFile("b64", Buffer.from(plain).toString("base64")))).toEqual([
      said(
        "a value for HMAC_SECRET (in encoded write_files /etc/titan/env), a value for 'HMAC_SECRET' (in encoded write_files /etc/titan/env)",
      ),
    ]);
    expect(await check(writeFile("gz+b64", gzipSync(plain).toString("base64")))).toHaveLength(1);
    // Safe neighbour: encoded content without secrets.
    expect(await check(writeFile("b64", Buffer.from("LOG_LEVEL=info\n").toString("base64")))).toEqual([]);
    // Adversarial: content that cannot be decoded counts (fail closed).
    expect(await check(writeFile("gz+b64", Buffer.from("not gzip").toString("base64")))).toEqual([
      said("write_files /etc/titan/env that cannot be decoded"),
    ]);
  });
  it("finds credentials in URLs", async () => {
    expect(await check(`#cloud-config\nruncmd:\n  - curl https://ops:${fakeSecret}@example.com/x\n`)).toEqual(
      [said("credentials in a URL")],
    );
    expect(await check("#cloud-config\nruncmd:\n  - curl https://example.com/x\n")).toEqual([]);
  });
  it("a comment that mentions a token is not refused; a real token in a comment still is", async () => {
    expect(
      await check("#cloud-config\n# the token: is read by the agent from /run/secrets\nruncmd: []\n"),
    ).toEqual([]);
    expect(await check(`#cloud-config\n# key: -----BEGIN ${"OPENSSH"} PRIVATE KEY-----\n`)).toEqual([
      said("a PEM private key"),
    ]);
    expect(await check(`#cloud-config\nbootcmd:\n  - echo token: ${fakeSecret}\n`)).toEqual([
      said("a value for 'token'"),
    ]);
  });
});
