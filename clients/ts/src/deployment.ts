/**
 * Deployment records: the JSON `agentmarket deploy` (and `ape run deploy`) writes to
 * `deployments/chain-<chain id>.json`, e.g. `chain-11155111.json` on Sepolia; local
 * chains' records (`chain-1337.json`, `chain-31337.json`) are not committed.
 *
 *     {"chain_id": 1337, "deployer": "0x...", "network": "chain-1337",
 *      "contracts": {"JobEscrow": {"address": "0x...", "block": 12, "tx_hash": "0x..."}, ...},
 *      "links": [...]}
 *
 * This module only parses (it runs anywhere); `@agentmarket/abi/node` reads a file.
 */
import { type Address, getAddress, type Hex, isHex } from "viem";

import { type ContractName, contractNames } from "./abi/index.js";

/** Where one contract landed. */
export type DeployedContract = {
  address: Address;
  txHash: Hex;
  block: bigint;
};

/** A deployed protocol. */
export type Deployment = {
  /** The record's name (`chain-<id>` unless the deployer chose one). */
  network: string;
  chainId: number;
  deployer: Address;
  /** Every deployed contract by name (a deployment may leave one out, e.g. Tabs). */
  contracts: Partial<Record<ContractName, DeployedContract>>;
};

/** The file name a deployment record of chain `chainId` gets. */
export function deploymentFileName(chainId: number | bigint): string {
  return `chain-${chainId}.json`;
}

function fail(what: string): never {
  throw new Error(`not an AgentMarket deployment record: ${what}`);
}

function field(data: Record<string, unknown>, key: string): unknown {
  if (!(key in data)) fail(`no "${key}"`);
  return data[key];
}

function integer(value: unknown, what: string): bigint {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) fail(what);
  return BigInt(value);
}

function address(value: unknown, what: string): Address {
  if (typeof value !== "string") fail(what);
  try {
    return getAddress(value);
  } catch {
    return fail(`${what} is not an address: ${value}`);
  }
}

/**
 * Parse a deployment record (its JSON text, or the value `JSON.parse` gave). Checks every
 * field; contract names the package does not know are refused (a record from another
 * version of the protocol).
 */
export function parseDeployment(json: string | unknown): Deployment {
  const data: unknown = typeof json === "string" ? JSON.parse(json) : json;
  if (typeof data !== "object" || data === null) fail("not an object");
  const record = data as Record<string, unknown>;
  const network = field(record, "network");
  if (typeof network !== "string") fail("network");
  const chainId = Number(integer(field(record, "chain_id"), "chain_id"));
  const raw = field(record, "contracts");
  if (typeof raw !== "object" || raw === null) fail("contracts");
  const contracts: Partial<Record<ContractName, DeployedContract>> = {};
  for (const [name, entry] of Object.entries(raw as Record<string, unknown>)) {
    if (!(contractNames as readonly string[]).includes(name)) fail(`unknown contract ${name}`);
    if (typeof entry !== "object" || entry === null) fail(name);
    const e = entry as Record<string, unknown>;
    const txHash = field(e, "tx_hash");
    if (typeof txHash !== "string" || !isHex(txHash)) fail(`${name}.tx_hash`);
    contracts[name as ContractName] = {
      address: address(field(e, "address"), `${name}.address`),
      txHash,
      block: integer(field(e, "block"), `${name}.block`),
    };
  }
  return {
    network,
    chainId,
    deployer: address(field(record, "deployer"), "deployer"),
    contracts,
  };
}

/** The address of `name` in a deployment; throws if the record has none. */
export function contractAddress(deployment: Deployment, name: ContractName): Address {
  const entry = deployment.contracts[name];
  if (entry === undefined) {
    throw new Error(`deployment ${deployment.network} has no ${name}`);
  }
  return entry.address;
}
