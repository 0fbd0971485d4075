import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";

// One year; `pulumi up` re-issues a certificate in its last 30 days (earlyRenewalHours).
const VALIDITY_HOURS = 24 * 365;
const EARLY_RENEWAL_HOURS = 24 * 30;
const CA_VALIDITY_HOURS = 24 * 365 * 5;

export interface IssuedCert {
  certPem: pulumi.Output<string>;
  /** Always a Pulumi secret. */
  keyPem: pulumi.Output<string>;
}

export interface LeafRequest {
  commonName: string;
  dnsNames?: string[];
  ipAddresses?: pulumi.Input<string>[];
  usage: "server" | "client";
}

/**
 * The stack's private CA (ECDSA P-256): it signs the NATS and brain-gateway server certificates
 * and Traefik's client certificate for the gateway, so cross-host traffic in the VPC is TLS 1.3 with keys
 * that only ever exist in the (encrypted) Pulumi state and inside their container.
 */
export class StackCa extends pulumi.ComponentResource {
  readonly certPem: pulumi.Output<string>;
  private readonly keyPem: pulumi.Output<string>;

  constructor(name: string, args: { stack: string }, opts?: pulumi.ComponentResourceOptions) {
    super("titan:workloads:StackCa", name, {}, opts);
    const key = new tls.PrivateKey(
      `${name}-key`,
      { algorithm: "ECDSA", ecdsaCurve: "P256" },
      { parent: this },
    );
    this.keyPem = pulumi.secret(key.privateKeyPem);
    const cert = new tls.SelfSignedCert(
      `${name}-cert`,
      {
        privateKeyPem: this.keyPem,
        isCaCertificate: true,
        subject: { commonName: `Titan ${args.stack} stack CA`, organization: "Titan" },
        validityPeriodHours: CA_VALIDITY_HOURS,
        earlyRenewalHours: EARLY_RENEWAL_HOURS,
        allowedUses: ["cert_signing", "crl_signing", "digital_signature"],
      },
      { parent: this },
    );
    this.certPem = cert.certPem;
    this.registerOutputs({ certPem: this.certPem });
  }

  /** A key and a certificate signed by this CA, for one server or client. */
  issue(name: string, req: LeafRequest): IssuedCert {
    const key = new tls.PrivateKey(
      `${name}-key`,
      { algorithm: "ECDSA", ecdsaCurve: "P256" },
      { parent: this },
    );
    const keyPem = pulumi.secret(key.privateKeyPem);
    const csr = new tls.CertRequest(
      `${name}-csr`,
      {
        privateKeyPem: keyPem,
        subject: { commonName: req.commonName, organization: "Titan" },
        ...(req.dnsNames ? { dnsNames: req.dnsNames } : {}),
        ...(req.ipAddresses ? { ipAddresses: req.ipAddresses } : {}),
      },
      { parent: this },
    );
    const cert = new tls.LocallySignedCert(
      `${name}-cert`,
      {
        certRequestPem: csr.certRequestPem,
        caPrivateKeyPem: this.keyPem,
        caCertPem: this.certPem,
        validityPeriodHours: VALIDITY_HOURS,
        earlyRenewalHours: EARLY_RENEWAL_HOURS,
        allowedUses: [
          "digital_signature",
          "key_agreement",
          req.usage === "server" ? "server_auth" : "client_auth",
        ],
      },
      { parent: this },
    );
    return { certPem: cert.certPem, keyPem };
  }
}
