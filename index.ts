/**
 * Entry point: typed config → shared network → the stack programs enabled for this stack → outputs.
 * Composition only; every resource lives in a component.
 */
import { appRunnerVpcStack } from "./stacks/app-runner-vpc";
import { loadConfig } from "./stacks/config";
import { createNetwork } from "./stacks/network";

const config = loadConfig();
const needsNetwork = config.appRunnerVpcEnabled;
const network = needsNetwork ? createNetwork(config) : undefined;

const catalogue = config.appRunnerVpcEnabled && network ? appRunnerVpcStack(config, network) : undefined;

export const environment = config.environment;
export const vpcId = network?.vpcId;
export const catalogueUrl = catalogue?.url;
export const catalogueDatabaseProxyEndpoint = catalogue?.databaseProxyEndpoint;
