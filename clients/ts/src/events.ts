/**
 * The ids a write creates are in its events only: `register` logs `Registered(agentId)`,
 * `create_listing` `ListingCreated(listing_id)`, `hire` / `hire_with_offer`
 * `JobCreated(job_id)`. These read them from a receipt, keeping only the logs of the
 * contract written to.
 */
import { type Address, isAddressEqual, type Log, parseEventLogs } from "viem";

import { agentRegistryAbi } from "./abi/AgentRegistry.js";
import { jobEscrowAbi } from "./abi/JobEscrow.js";
import { serviceListingsAbi } from "./abi/ServiceListings.js";

type Receipt = { logs: readonly Log[] };

function only<T>(found: readonly T[], what: string): T {
  if (found.length !== 1) throw new Error(`expected one ${what} event, found ${found.length}`);
  return found[0] as T;
}

function from(receipt: Receipt, address: Address): Log[] {
  return receipt.logs.filter((log) => isAddressEqual(log.address, address));
}

/** The agent id `AgentRegistry.register` minted. */
export function registeredAgentId(receipt: Receipt, registry: Address): bigint {
  const logs = parseEventLogs({
    abi: agentRegistryAbi,
    eventName: "Registered",
    logs: from(receipt, registry),
  });
  return only(logs, "Registered").args.agentId;
}

/** The listing id `ServiceListings.create_listing` created. */
export function createdListingId(receipt: Receipt, listings: Address): bigint {
  const logs = parseEventLogs({
    abi: serviceListingsAbi,
    eventName: "ListingCreated",
    logs: from(receipt, listings),
  });
  return only(logs, "ListingCreated").args.listing_id;
}

/** The job id `JobEscrow.hire` or `OfferBook.hire_with_offer` created (the escrow logs it). */
export function createdJobId(receipt: Receipt, escrow: Address): bigint {
  const logs = parseEventLogs({ abi: jobEscrowAbi, eventName: "JobCreated", logs: from(receipt, escrow) });
  return only(logs, "JobCreated").args.job_id;
}
