import * as pulumi from "@pulumi/pulumi";
import { readStackConfig } from "../infra/config/read";
import { composeTitanStack } from "./titan";

/**
 * The Pulumi entry. Config is read and validated once, here; an invalid config throws a
 * ConfigError naming every bad key before a single resource is registered.
 */
export = () => composeTitanStack(readStackConfig(), pulumi.getStack());
