// Script that keeps internal ports off the public interface (DESIGN.md §2, defence layer 3).
// Docker-published ports are DNATed before the FORWARD chain, so the match is on the ORIGINAL
// destination port (conntrack --ctorigdstport), as Docker's own documentation recommends; the same
// chain also guards INPUT for anything listening on the host itself. The script is idempotent:
// it rebuilds its own chain and inserts one jump per parent chain only if missing.
import { assertPattern, assertPort } from "./validate";

export const FIREWALL_SCRIPT_PATH = "/usr/local/sbin/titan-public-fw";
export const FIREWALL_UNIT_NAME = "titan-public-fw.service";
export const FIREWALL_CHAIN = "TITAN-PUBLIC";

export interface HostFirewallInput {
  publicInterface: string;
  internalPorts: readonly number[];
}

export function buildHostFirewallScript(input: HostFirewallInput): string {
  const iface = assertPattern("publicInterface", input.publicInterface, /^[A-Za-z0-9._-]{1,15}$/);
  if (input.internalPorts.length === 0) throw new Error("internalPorts: at least one port is required");
  const ports = input.internalPorts.map((p) => assertPort("internalPorts", p)).join(" ");
  return `#!/bin/sh
# Managed by the Titan Pulumi program (infra/builders/host-firewall.ts).
set -eu
IFACE='${iface}'
PORTS='${ports}'
CHAIN='${FIREWALL_CHAIN}'
for ipt in iptables ip6tables; do
  $ipt -w -N "$CHAIN" 2>/dev/null || $ipt -w -F "$CHAIN"
  for port in $PORTS; do
    $ipt -w -A "$CHAIN" -p tcp -m conntrack --ctorigdstport "$port" --ctdir ORIGINAL -j DROP
  done
  $ipt -w -A "$CHAIN" -j RETURN
  # Docker creates DOCKER-USER itself; creating it first is harmless and keeps the order fixed.
  $ipt -w -N DOCKER-USER 2>/dev/null || true
  for parent in DOCKER-USER INPUT; do
    $ipt -w -C "$parent" -i "$IFACE" -j "$CHAIN" 2>/dev/null || $ipt -w -I "$parent" 1 -i "$IFACE" -j "$CHAIN"
  done
done
`;
}

/** Runs the script whenever docker.service (re)starts; Docker rebuilds its chains on start. */
export function buildHostFirewallUnit(): string {
  return `# Managed by the Titan Pulumi program (infra/builders/host-firewall.ts).
[Unit]
Description=Drop Titan internal ports on the public interface (DOCKER-USER and INPUT)
After=docker.service network-online.target
Wants=network-online.target
PartOf=docker.service

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=${FIREWALL_SCRIPT_PATH}

[Install]
WantedBy=multi-user.target docker.service
`;
}
