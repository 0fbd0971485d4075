// The pack's entry point: the only file that constructs a PolicyPack (which starts the gRPC
// server the Pulumi engine talks to). Everything else is plain data and pure functions.
import { PolicyPack } from "@pulumi/policy";
import { policies } from "./policies";

new PolicyPack("titan-policy", {
  description: "Security invariants of the Titan trading system on DigitalOcean.",
  policies,
});
