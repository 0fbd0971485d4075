import { describe, expect, it } from "vitest";
import { findDockerCredentials, registryAuthSecrets } from "../../lib/docker-auth";
import { fakeSecret } from "../graph-fixtures";

const b64 = (text: string) => Buffer.from(text).toString("base64");

describe("registryAuthSecrets", () => {
  it("takes each password of the registryAuth list, as JSON text (engine inputs) or as an array", () => {
    const [one, two] = [fakeSecret("ghcr"), fakeSecret("dockerhub")];
    const auth = [
      { address: "ghcr.io", username: "titan-deploy", password: one },
      { address: "docker.io", username: "titan" },
      { address: "registry.example.test", username: "titan", password: two },
    ];
    expect(registryAuthSecrets({ registryAuth: JSON.stringify(auth) })).toEqual([one, two]);
    expect(registryAuthSecrets({ registryAuth: auth })).toEqual([one, two]);
  });

  it("has nothing for a provider without registry credentials", () => {
    expect(registryAuthSecrets({})).toEqual([]);
    expect(registryAuthSecrets({ registryAuth: "[]" })).toEqual([]);
    expect(registryAuthSecrets({ registryAuth: "not json" })).toEqual([]);
    expect(registryAuthSecrets({ registryAuth: [{ address: "ghcr.io", password: "" }] })).toEqual([]);
  });

  it("takes every credential of an inline configFileContent: auth, its password, and the token fields", () => {
    const [pass, token, identity, registry] = ["pw", "tok", "id", "reg"].map(fakeSecret);
    const auth = b64(`titan-deploy:${pass}`);
    const content = JSON.stringify({
      auths: {
        "ghcr.io": { auth },
        "docker.io": { password: token },
        "registry.example.test": { identitytoken: identity, registrytoken: registry },
        "empty.example.test": {},
      },
    });
    expect(
      registryAuthSecrets({ registryAuth: [{ address: "ghcr.io", configFileContent: content }] }),
    ).toEqual([auth, pass, token, identity, registry]);
  });

  it("takes the password of an auth with an empty user name, and the whole auth when it has no colon", () => {
    const pass = fakeSecret("pw");
    const noUser = b64(`:${pass}`);
    const noColon = b64(pass);
    const content = JSON.stringify({ auths: { a: { auth: noUser }, b: { auth: noColon } } });
    expect(registryAuthSecrets({ registryAuth: [{ configFileContent: content }] })).toEqual([
      noUser,
      pass,
      noColon,
    ]);
  });

  it("takes both the password and the config file of one entry", () => {
    const [pass, token] = [fakeSecret("pw"), fakeSecret("tok")];
    const content = JSON.stringify({ auths: { "ghcr.io": { password: token } } });
    expect(registryAuthSecrets({ registryAuth: [{ password: pass, configFileContent: content }] })).toEqual([
      pass,
      token,
    ]);
    expect(registryAuthSecrets({ registryAuth: [{ configFileContent: "not json" }] })).toEqual([]);
  });
});

describe("findDockerCredentials", () => {
  const CONFIG_JSON = "a Docker registry credential (config.json auths)";

  it("finds a config.json auth, pretty-printed with spaces around the colon too", () => {
    const auth = b64(`titan:${fakeSecret("pw")}`);
    expect(findDockerCredentials(`{"auths":{"ghcr.io":{"auth":"${auth}"}}}`)).toEqual([CONFIG_JSON]);
    expect(findDockerCredentials(`{\n  "auths" : {\n    "ghcr.io" : { "auth" : "${auth}" }\n  }\n}`)).toEqual(
      [CONFIG_JSON],
    );
  });

  it("does not count an auth field that is empty or only whitespace", () => {
    expect(findDockerCredentials(`{"auths":{"ghcr.io":{"auth":"   "}}}`)).toEqual([]);
    expect(findDockerCredentials(`{"auths":{"ghcr.io":{"auth":""}}}`)).toEqual([]);
    expect(findDockerCredentials(`{"auths":{}}`)).toEqual([]);
  });

  it("finds DOCKER_AUTH_CONFIG and a docker login password on the command line", () => {
    expect(findDockerCredentials(`DOCKER_AUTH_CONFIG={"auths":{}}`)).toEqual([
      "a Docker registry credential (DOCKER_AUTH_CONFIG)",
    ]);
    expect(findDockerCredentials(`docker login ghcr.io -u titan -p ${fakeSecret("pw")}`)).toEqual([
      "a Docker registry password on a docker login command line",
    ]);
    expect(findDockerCredentials("docker login ghcr.io -u titan --password-stdin")).toEqual([]);
  });
});
