import { describe, expect, it } from "vitest";
import { chooseStatic, launchProblems } from "../../lib/traefik-launch";

const file = (path: string) => ({ file: path, content: "entryPoints: {}\n" });

describe("Traefik static config choice", () => {
  it("resolves upload paths from the root, as the Docker upload places them", () => {
    const relative = file("etc/traefik/traefik.yml");
    expect(chooseStatic([relative])).toEqual({ chosen: relative, problems: [] });
    expect(chooseStatic([file("traefik.yml")]).problems).toEqual([
      "the static config is uploaded to /traefik.yml, not /etc/traefik/traefik.yml, so the file checked may not be the one Traefik loads. Fix: upload it to /etc/traefik/traefik.yml",
    ]);
  });

  it("chooses the file at the loaded path over one uploaded before it elsewhere", () => {
    const elsewhere = file("/root/.config/traefik.yml");
    const loaded = file("/etc/traefik/traefik.yml");
    expect(chooseStatic([elsewhere, loaded]).chosen).toBe(loaded);
    expect(chooseStatic([elsewhere]).chosen).toBe(elsewhere);
    expect(chooseStatic([file("/etc/traefik/dynamic/titan.yml")]).chosen).toBeUndefined();
  });
});

describe("Traefik launch settings", () => {
  it("skips entries that are not text and still judges the rest", () => {
    expect(
      launchProblems({
        entrypoints: [null, "traefik"],
        command: [{ flag: "--configFile" }, "--configFile=/tmp/t.yml"],
        envs: [null, 3, "TRAEFIK_LOG_LEVEL=DEBUG"],
      }),
    ).toEqual([
      "'--configFile=/tmp/t.yml' points Traefik at another static config file than the one checked. Fix: remove --configFile; the static config lives at /etc/traefik/traefik.yml",
      "environment variable TRAEFIK_LOG_LEVEL sets static config outside the checked file. Fix: remove it and put the setting in /etc/traefik/traefik.yml",
    ]);
  });
});
