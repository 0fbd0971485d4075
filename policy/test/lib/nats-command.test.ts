// How a container starts nats-server. Facts checked against nats-server 2.9.10: `-c`, `--c`,
// `-config`, `--config` and `--config=PATH` all load PATH; the last one wins; a word that is not a
// flag ("nats-server" again, when the image's entrypoint is the binary) stops it with
// "unrecognized command".
import { describe, expect, it } from "vitest";
import { imageName, runsNatsServer, serverStart } from "../../lib/nats-command";

const CONF = "/etc/nats/nats.conf";
const DEFAULTS =
  "no --config flag: nats-server runs with its built-in defaults (no authentication, every interface). Fix: start it with --config and the uploaded config's path";
const flag = (f: string) =>
  `flag '${f}' overrides or adds to the checked config (listeners, monitor, auth). Fix: put every setting in the uploaded config`;

describe("nats server start", () => {
  it("reads every spelling of the config flag, the last one winning", () => {
    for (const command of [
      ["nats-server", "--config", CONF],
      ["nats-server", "-c", CONF],
      ["nats-server", "--c", CONF],
      ["nats-server", "-config", CONF],
      ["nats-server", `--config=${CONF}`],
      ["/usr/local/bin/nats-server", "-c", "/etc/nats/../nats/nats.conf"],
      ["--config", CONF],
      ["nats-server", "-c", "/tmp/first.conf", "-c", CONF],
    ]) {
      expect(serverStart({ command }), command.join(" ")).toEqual({ configPath: CONF, problems: [] });
    }
    expect(serverStart({ command: ["nats-server", "-c", CONF, "--config", "/tmp/x.conf"] })).toEqual({
      configPath: "/tmp/x.conf",
      problems: [],
    });
  });

  it("follows Docker: an entrypoint drops the image's command, and the entrypoint script prepends nats-server", () => {
    expect(serverStart({ entrypoints: ["/nats-server"], command: ["--config", CONF] })).toEqual({
      configPath: CONF,
      problems: [],
    });
    expect(serverStart({ entrypoints: ["nats-server", "-c", CONF] })).toEqual({
      configPath: CONF,
      problems: [],
    });
    expect(serverStart({ entrypoints: ["docker-entrypoint.sh"], command: ["-c", CONF] })).toEqual({
      configPath: CONF,
      problems: [],
    });
    expect(
      serverStart({ entrypoints: ["docker-entrypoint.sh"], command: ["nats-server", "-c", CONF] }),
    ).toEqual({
      configPath: CONF,
      problems: [],
    });
    // Only the entrypoint binary, no command: the image's CMD (and its --config) is gone.
    expect(serverStart({ entrypoints: ["/nats-server"] })).toEqual({ problems: [DEFAULTS] });
    expect(serverStart({ entrypoints: ["sh", "-c", `nats-server -c ${CONF}`] })).toEqual({
      problems: ["the entrypoint runs 'sh', not nats-server, so which config it loads cannot be told"],
    });
    expect(serverStart({ command: ["sh", "-c", `nats-server -c ${CONF}`] })).toEqual({
      problems: ["the command runs 'sh', not nats-server, so which config it loads cannot be told"],
    });
    expect(serverStart({ entrypoints: ["docker-entrypoint.sh"], command: ["sh"] })).toEqual({
      problems: ["the command runs 'sh', not nats-server, so which config it loads cannot be told"],
    });
  });

  it("reports the image's default command, a missing flag and unreadable argv", () => {
    expect(serverStart({})).toEqual({ imageDefault: true, problems: [] });
    expect(serverStart({ command: [] })).toEqual({ imageDefault: true, problems: [] });
    expect(serverStart({ command: ["nats-server"] })).toEqual({ problems: [DEFAULTS] });
    expect(serverStart({ command: ["nats-server", "-js"] })).toEqual({ problems: [flag("-js"), DEFAULTS] });
    expect(serverStart({ command: ["nats-server", { unknown: true }] })).toEqual({
      problems: ["the command is not a list of literal strings"],
    });
    expect(serverStart({ command: "nats-server -c /etc/nats/nats.conf" })).toEqual({
      problems: ["the command is not a list of literal strings"],
    });
    expect(serverStart({ entrypoints: [7] })).toEqual({
      problems: ["the entrypoint is not a list of literal strings"],
    });
  });

  it("refuses flags that override the config, and stops at words that are not flags", () => {
    expect(serverStart({ command: ["nats-server", "-c", CONF, "--auth", "s3cr3t", "-m", "8222"] })).toEqual({
      configPath: CONF,
      problems: [flag("--auth"), flag("-m")],
    });
    expect(serverStart({ command: ["nats-server", "--routes=nats://peer:6222", "-c", CONF] })).toEqual({
      configPath: CONF,
      problems: [flag("--routes=nats://peer:6222")],
    });
    expect(serverStart({ command: ["nats-server", "nats-server", "-c", CONF] })).toEqual({
      problems: [
        "argument 'nats-server' is not a flag, so nats-server does not start as configured",
        DEFAULTS,
      ],
    });
    expect(serverStart({ command: ["nats-server", "-c", CONF, "--", "x"] })).toEqual({
      configPath: CONF,
      problems: ["argument 'x' after '--' is not a flag"],
    });
    // A flag's value given with '=' is part of it: the next word is read on its own.
    expect(serverStart({ command: ["nats-server", "-c", CONF, "--routes=nats://peer:6222", "x"] })).toEqual({
      configPath: CONF,
      problems: [
        flag("--routes=nats://peer:6222"),
        "argument 'x' is not a flag, so nats-server does not start as configured",
      ],
    });
    // Go's flag package rejects a third dash ("bad flag syntax"): it is no config flag.
    expect(serverStart({ command: ["nats-server", "---config", CONF] })).toEqual({
      problems: [flag("---config"), DEFAULTS],
    });
    expect(serverStart({ command: ["nats-server", "-c", CONF, "--"] })).toEqual({
      configPath: CONF,
      problems: [],
    });
    expect(serverStart({ command: ["nats-server", "-c"] })).toEqual({
      problems: ["'-c' has no path after it", DEFAULTS],
    });
    expect(serverStart({ command: ["nats-server", "--config="] })).toEqual({
      problems: ["the --config path is empty"],
    });
  });

  it("resolves a relative path only against a known working directory", () => {
    expect(serverStart({ command: ["nats-server", "-c", "nats.conf"], workingDir: "/etc/nats" })).toEqual({
      configPath: CONF,
      problems: [],
    });
    const relative =
      "the --config path 'nats.conf' is relative and the working directory is the image's, which is not known here. Fix: give an absolute path";
    expect(serverStart({ command: ["nats-server", "-c", "nats.conf"] })).toEqual({ problems: [relative] });
    expect(serverStart({ command: ["nats-server", "-c", "nats.conf"], workingDir: "etc" })).toEqual({
      problems: [relative],
    });
  });

  it("recognises a NATS server by image or by what it runs", () => {
    expect(imageName("nats@sha256:abc")).toBe("nats");
    expect(imageName("docker.io/library/nats:2.10-alpine@sha256:abc")).toBe("nats");
    expect(imageName("registry.local:5000/ops/nats-server:2")).toBe("nats-server");
    expect(imageName(undefined)).toBe("");
    expect(runsNatsServer({ image: "ghcr.io/acme/nats:2.10" })).toBe(true);
    expect(runsNatsServer({ image: "redis@sha256:abc" })).toBe(false);
    expect(runsNatsServer({ image: "nats-server:2" })).toBe(true);
    expect(runsNatsServer({ image: "gnatsd:1" })).toBe(true);
    expect(runsNatsServer({ image: "busybox", command: null })).toBe(false);
    expect(runsNatsServer({ image: "busybox", command: ["sh", "-c", "exec\tnats-server"] })).toBe(true);
    expect(runsNatsServer({ image: "natsy:1" })).toBe(false);
    expect(runsNatsServer({ image: "busybox", command: ["/opt/bin/nats-server", "-c", CONF] })).toBe(true);
    expect(runsNatsServer({ image: "busybox", entrypoints: ["sh", "-c", "exec nats-server -js"] })).toBe(
      true,
    );
    expect(runsNatsServer({ image: "busybox", command: ["gnatsd"] })).toBe(true);
  });

  it("reads a config flag that follows a flag taking no '=' value", () => {
    expect(serverStart({ command: ["nats-server", "-js", "-c", CONF] })).toEqual({
      configPath: CONF,
      problems: [flag("-js")],
    });
    expect(serverStart({ command: ["nats-server", "-m", "8222", "-c", CONF] })).toEqual({
      configPath: CONF,
      problems: [flag("-m")],
    });
  });

  it("takes a null command or an empty entrypoint list as unset, as the Docker provider does", () => {
    expect(serverStart({ command: null })).toEqual({ imageDefault: true, problems: [] });
    expect(serverStart({ entrypoints: [], command: ["-c", CONF] })).toEqual({
      configPath: CONF,
      problems: [],
    });
    // The entrypoint script with no command gets no --config.
    expect(serverStart({ entrypoints: ["docker-entrypoint.sh"] })).toEqual({ problems: [DEFAULTS] });
  });

  it("counts a config path of only spaces as empty", () => {
    expect(serverStart({ command: ["nats-server", "--config=  "] })).toEqual({
      problems: ["the --config path is empty"],
    });
  });
});
