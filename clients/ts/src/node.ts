/**
 * Node-only helpers (`@agentmarket/abi/node`): read a deployment record from disk.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";

import { type Deployment, deploymentFileName, parseDeployment } from "./deployment.js";

/** Read and check a deployment record (`deployments/chain-<id>.json`). */
export async function readDeployment(path: string): Promise<Deployment> {
  return parseDeployment(await readFile(path, "utf8"));
}

/** Read the record of chain `chainId` from a deployments folder. */
export async function readDeploymentOf(folder: string, chainId: number | bigint): Promise<Deployment> {
  return readDeployment(join(folder, deploymentFileName(chainId)));
}
