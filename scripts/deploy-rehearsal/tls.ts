// The plan's TLS material is obviously fake PEM text (the offline mocks); nats-server and nginx
// refuse it. The rehearsal swaps it for a real throw-away CA and one leaf certificate (openssl),
// chosen by the upload's file name: ca.crt → the CA, *.key → the leaf key, other .crt → the leaf.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface RealTls {
  ca: string;
  cert: string;
  key: string;
}

export function makeRealTls(dir: string, addresses: readonly string[]): RealTls {
  const f = (n: string) => join(dir, n);
  const ssl = (...args: string[]) => execFileSync("openssl", args, { stdio: ["ignore", "pipe", "pipe"] });
  ssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", f("ca.key"));
  ssl(
    "req",
    "-x509",
    "-new",
    "-key",
    f("ca.key"),
    "-subj",
    "/CN=rehearsal-ca",
    "-days",
    "2",
    "-out",
    f("ca.crt"),
  );
  ssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", f("leaf.ec"));
  ssl("pkcs8", "-topk8", "-nocrypt", "-in", f("leaf.ec"), "-out", f("leaf.key"));
  ssl("req", "-new", "-key", f("leaf.key"), "-subj", "/CN=nats", "-out", f("leaf.csr"));
  const sans = [
    "DNS:nats",
    "DNS:brain-gateway",
    "DNS:localhost",
    "IP:127.0.0.1",
    ...addresses.map((a) => `IP:${a}`),
  ];
  writeFileSync(f("ext"), `subjectAltName=${sans.join(",")}\nextendedKeyUsage=serverAuth,clientAuth\n`);
  ssl(
    "x509",
    "-req",
    "-in",
    f("leaf.csr"),
    "-CA",
    f("ca.crt"),
    "-CAkey",
    f("ca.key"),
    "-CAcreateserial",
    "-days",
    "2",
    "-extfile",
    f("ext"),
    "-out",
    f("leaf.crt"),
  );
  return {
    ca: readFileSync(f("ca.crt"), "utf8"),
    cert: readFileSync(f("leaf.crt"), "utf8"),
    key: readFileSync(f("leaf.key"), "utf8"),
  };
}

/** The real PEM for an upload whose content is a fake one; other content unchanged. */
export function realContent(file: string, content: string, tls: RealTls): string {
  if (!content.includes("-----BEGIN FAKE ")) return content;
  if (/\.key$/.test(file)) return tls.key;
  if (/(^|\/)ca\.crt$/.test(file)) return tls.ca;
  return tls.cert;
}
