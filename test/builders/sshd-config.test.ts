import { describe, expect, it } from "vitest";
import { buildSshdConfig, SSHD_DROP_IN_PATH } from "../../infra/builders/sshd-config";

function settings(text: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const [key, ...rest] = line.split(" ");
    if (key === undefined) continue;
    expect(map.has(key), `${key} set twice`).toBe(false);
    map.set(key, rest.join(" "));
  }
  return map;
}

describe("buildSshdConfig", () => {
  it("allows only the deploy user, only with keys", () => {
    const s = settings(buildSshdConfig({ deployUser: "titan" }));
    expect(s.get("PasswordAuthentication")).toBe("no");
    expect(s.get("KbdInteractiveAuthentication")).toBe("no");
    expect(s.get("PermitRootLogin")).toBe("no");
    expect(s.get("PubkeyAuthentication")).toBe("yes");
    expect(s.get("AuthenticationMethods")).toBe("publickey");
    expect(s.get("AllowUsers")).toBe("titan");
    expect(s.get("DenyUsers")).toBe("root");
    expect(s.get("X11Forwarding")).toBe("no");
    expect(s.get("PermitTunnel")).toBe("no");
  });

  it("allows local TCP forwarding only for the bastion", () => {
    expect(settings(buildSshdConfig({ deployUser: "titan" })).get("AllowTcpForwarding")).toBe("no");
    expect(
      settings(buildSshdConfig({ deployUser: "titan", allowTcpForwarding: true })).get("AllowTcpForwarding"),
    ).toBe("local");
  });

  it("lets one multiplexed connection carry the parallel Docker calls (30 in the real sshd test)", () => {
    const s = settings(buildSshdConfig({ deployUser: "titan" }));
    expect(s.get("MaxSessions")).toBe("64");
    expect(s.get("MaxStartups")).toBe("10:30:60");
  });

  it("sorts before cloud-init's own drop-in (sshd keeps the first value)", () => {
    expect(SSHD_DROP_IN_PATH).toMatch(/^\/etc\/ssh\/sshd_config\.d\/[0-4]\d-[a-z-]+\.conf$/);
  });

  it("rejects root and unsafe user names", () => {
    expect(() => buildSshdConfig({ deployUser: "root" })).toThrow();
    expect(() => buildSshdConfig({ deployUser: "titan\nPermitRootLogin yes" })).toThrow();
    expect(() => buildSshdConfig({ deployUser: "" })).toThrow();
  });
});
