import { describe, expect, it } from "vitest";
import {
  cloudInitWaitScript,
  dockerHost,
  hostKeyFingerprint,
  parseHostKey,
  sshOptions,
} from "../../infra/builders/ssh-access";
import { unusablePublicKey } from "../../infra/components/network";

// A well-formed ssh-ed25519 blob (type name, 32 key bytes): the key of no real host.
function fakeKey(fill: number): string {
  const type = Buffer.from("ssh-ed25519");
  const blob = Buffer.alloc(4 + type.length + 4 + 32, fill);
  blob.writeUInt32BE(type.length, 0);
  type.copy(blob, 4);
  blob.writeUInt32BE(32, 4 + type.length);
  return blob.toString("base64");
}
const edge = {
  user: "titan",
  address: "198.51.100.20",
  dropletId: "101",
  hostKey: `198.51.100.20 ssh-ed25519 ${fakeKey(1)}`,
};
const trading = {
  user: "titan",
  address: "10.20.0.11",
  dropletId: "202",
  hostKey: `10.20.0.11 ssh-ed25519 ${fakeKey(2)}`,
  jump: edge,
};

describe("ssh access options", () => {
  it("verifies both hops strictly against their pins only, and multiplexes per droplet", () => {
    const opts = sshOptions(trading);
    const values = opts.filter((_, i) => i % 2 === 1);
    expect(opts.filter((_, i) => i % 2 === 0).every((o) => o === "-o")).toBe(true);
    expect(values).toContain("StrictHostKeyChecking=yes");
    expect(values).toContain("UserKnownHostsFile=/dev/null");
    expect(values).toContain("GlobalKnownHostsFile=/dev/null");
    expect(values).toContain(`KnownHostsCommand=/bin/echo ${trading.hostKey}`);
    expect(values).toContain("ControlPath=~/.ssh/titan-mux-202-22");
    expect(values).not.toContain("StrictHostKeyChecking=no");
    const proxy = values.find((v) => v.startsWith("ProxyCommand="));
    expect(proxy).toBe(
      "ProxyCommand='ssh' '-o' 'BatchMode=yes' '-o' 'ConnectTimeout=15' '-o' 'ForwardAgent=no' '-o' 'ForwardX11=no' " +
        "'-o' 'ServerAliveInterval=30' '-o' 'StrictHostKeyChecking=yes' '-o' 'UserKnownHostsFile=/dev/null' " +
        "'-o' 'GlobalKnownHostsFile=/dev/null' " +
        `'-o' 'KnownHostsCommand=/bin/echo ${edge.hostKey}' '-o' 'HostKeyAlgorithms=ssh-ed25519' '-o' 'CheckHostIP=no' ` +
        "'-o' 'UpdateHostKeys=no' '-o' 'ControlMaster=auto' '-o' 'ControlPath=~/.ssh/titan-mux-101-22' " +
        "'-o' 'ControlPersist=15m' '-W' '%h:%p' 'titan@198.51.100.20'",
    );
    expect(dockerHost(trading)).toBe("ssh://titan@10.20.0.11");
  });

  it("first contact is accept-new into the run's own file, never ~/.ssh/known_hosts, never 'no'", () => {
    const script = cloudInitWaitScript({ ...trading });
    expect(script).toContain("'StrictHostKeyChecking=accept-new'");
    expect(script).toContain('"UserKnownHostsFile=$kh"');
    expect(script).not.toMatch(/StrictHostKeyChecking=no|known_hosts'|~\/\.ssh\/known_hosts/);
  });

  it("refuses pins and values that could inject options or shell, naming the host", () => {
    expect(() => parseHostKey(`10.20.0.12 ssh-ed25519 ${fakeKey(2)}`, trading)).toThrow(
      "host key pinned for titan@10.20.0.11: the line is for '10.20.0.12', not '10.20.0.11'",
    );
    expect(() => parseHostKey("10.20.0.11 ssh-ed25519 AAAA$(id)", trading)).toThrow(
      "host key pinned for titan@10.20.0.11: the key is not base64",
    );
    expect(() => parseHostKey(`10.20.0.11 ssh-rsa ${fakeKey(2)}`, trading)).toThrow(
      "host key pinned for titan@10.20.0.11: the key blob does not start with its type 'ssh-rsa'",
    );
    expect(() => dockerHost({ user: "titan", address: "1.2.3.4 -oProxyCommand=x", dropletId: "1" })).toThrow(
      "ssh target: ssh address '1.2.3.4 -oProxyCommand=x' is not an IPv4 address",
    );
    expect(() => cloudInitWaitScript({ user: "root;id", address: "10.0.0.1", dropletId: "1" })).toThrow(
      "ssh target: ssh user 'root;id' is not a Linux user name",
    );
  });

  it("fingerprints as ssh-keygen -l does (SHA256, base64 without padding)", () => {
    expect(hostKeyFingerprint(edge.hostKey, edge)).toMatch(/^ssh-ed25519 SHA256:[A-Za-z0-9+/]{43}$/);
  });

  it("the DigitalOcean placeholder key is a well-formed ed25519 key", () => {
    const [type, b64] = unusablePublicKey("prod").split(" ");
    expect(type).toBe("ssh-ed25519");
    expect(() =>
      parseHostKey(`1.2.3.4 ${type} ${b64}`, { user: "x", address: "1.2.3.4", dropletId: "1" }),
    ).not.toThrow();
  });
});
