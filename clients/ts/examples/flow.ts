/**
 * One whole market flow with viem, using only this package (ABIs, typed data, constants,
 * id decoding, the deployment reader) and viem's transport, accounts and ERC-20 ABI:
 * two agents registered, each with an operator set by its signed proof, a deposit, a
 * listing, a hire from the listing and one from a provider's signed offer, accept,
 * deliver, complete, ratings both ways, reputation read, earnings withdrawn.
 *
 *     AGENTMARKET_RPC=http://127.0.0.1:8545 \
 *     AGENTMARKET_DEPLOYMENT=deployments/chain-1337.json \
 *     AGENTMARKET_TOKEN=0x...   # an allowlisted ERC-20 the client principal holds
 *     AGENTMARKET_FLOW_KEYS='{"clientPrincipal": "0x...", "providerPrincipal": "0x...",
 *                             "clientOperator": "0x...", "providerOperator": "0x..."}' \
 *     node --import tsx clients/ts/examples/flow.ts
 *
 * Prints one JSON object (integers as decimal strings) saying what happened.
 */
import {
  type Address,
  createPublicClient,
  createWalletClient,
  defineChain,
  erc20Abi,
  type Hex,
  http,
  keccak256,
  parseEventLogs,
  parseUnits,
  toHex,
  zeroAddress,
  zeroHash,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";

import {
  agentIdAsAddress,
  agentRegistryAbi,
  agentWalletSetTypedData,
  constants,
  contractAddress,
  createdJobId,
  createdListingId,
  decodeJobId,
  jobEscrowAbi,
  jobStatus,
  nameOf,
  offerBookAbi,
  offerTypedData,
  ratedAgent,
  readDomain,
  registeredAgentId,
  reputationRegistryAbi,
  serviceListingsAbi,
  signatureVrs,
} from "../src/index.js";
import { readDeployment } from "../src/node.js";

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`set ${name}`);
  return value;
}

const rpc = env("AGENTMARKET_RPC");
const deployment = await readDeployment(env("AGENTMARKET_DEPLOYMENT"));
const token = env("AGENTMARKET_TOKEN") as Address;
const keys = JSON.parse(env("AGENTMARKET_FLOW_KEYS")) as Record<
  "clientPrincipal" | "providerPrincipal" | "clientOperator" | "providerOperator",
  Hex
>;

const chain = defineChain({
  id: deployment.chainId,
  name: deployment.network,
  nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
  rpcUrls: { default: { http: [rpc] } },
});
const transport = http(rpc);
const client = createPublicClient({ chain, transport, pollingInterval: 50 });
const wallet = (key: Hex) =>
  createWalletClient({ account: privateKeyToAccount(key), chain, transport, pollingInterval: 50 });
const clientPrincipal = wallet(keys.clientPrincipal);
const providerPrincipal = wallet(keys.providerPrincipal);
const clientOperator = wallet(keys.clientOperator);
const providerOperator = wallet(keys.providerOperator);

const registry = contractAddress(deployment, "AgentRegistry");
const listings = contractAddress(deployment, "ServiceListings");
const escrow = contractAddress(deployment, "JobEscrow");
const offerBook = contractAddress(deployment, "OfferBook");
const reputation = contractAddress(deployment, "ReputationRegistry");

/** Wait for a transaction and insist that it succeeded. */
async function mined(hash: Hex) {
  const receipt = await client.waitForTransactionReceipt({ hash, pollingInterval: 50 });
  if (receipt.status !== "success") throw new Error(`transaction ${hash} reverted`);
  return receipt;
}

async function now(): Promise<bigint> {
  return (await client.getBlock()).timestamp;
}

// 1. Two agents, one per principal: the ids are in the `Registered` events.
const clientId = registeredAgentId(
  await mined(
    await clientPrincipal.writeContract({
      address: registry,
      abi: agentRegistryAbi,
      functionName: "register",
      args: ["ipfs://client-agent"],
    }),
  ),
  registry,
);
const providerId = registeredAgentId(
  await mined(
    await providerPrincipal.writeContract({
      address: registry,
      abi: agentRegistryAbi,
      functionName: "register",
      args: ["ipfs://provider-agent"],
    }),
  ),
  registry,
);

// 2. Each agent's operator, proven by the operator's own EIP-712 signature
// (ERC-8004 AgentWalletSet) under the domain the registry declares: the domain is
// built from the package, and checked against the chain's ERC-5267 answer read with
// its fields bitmap honoured (no zero salt).
const registryDomain = await readDomain(client, registry);
for (const [principal, operator, agentId] of [
  [clientPrincipal, clientOperator, clientId],
  [providerPrincipal, providerOperator, providerId],
] as const) {
  const deadline = (await now()) + BigInt(constants.AgentRegistry.bounds.MAX_DEADLINE_DELAY) - 60n;
  const typed = agentWalletSetTypedData({
    chainId: chain.id,
    registry,
    proof: {
      agentId,
      newWallet: operator.account.address,
      owner: principal.account.address,
      deadline,
    },
  });
  if (JSON.stringify(typed.domain) !== JSON.stringify(registryDomain)) {
    throw new Error("the package's registry domain differs from the chain's");
  }
  const signature = await operator.signTypedData(typed);
  await mined(
    await principal.writeContract({
      address: registry,
      abi: agentRegistryAbi,
      functionName: "setAgentWallet",
      args: [agentId, operator.account.address, deadline, signature],
    }),
  );
}
const [, clientOperatorOnChain] = await client.readContract({
  address: registry,
  abi: agentRegistryAbi,
  functionName: "agent_status",
  args: [clientId],
}).then((s) => [s.principal, s.operator] as const);

// 3. The client's principal lets its operator spend, and deposits.
const unit = parseUnits("1", 18);
const price = 20n * unit;
await mined(
  await clientPrincipal.writeContract({
    address: registry,
    abi: agentRegistryAbi,
    functionName: "set_spend_policy",
    args: [clientId, token, 50n * unit, 100n * unit, 86_400n],
  }),
);
const deposit = 100n * unit;
await mined(
  await clientPrincipal.writeContract({
    address: token,
    abi: erc20Abi,
    functionName: "approve",
    args: [escrow, deposit],
  }),
);
await mined(
  await clientPrincipal.writeContract({
    address: escrow,
    abi: jobEscrowAbi,
    functionName: "deposit",
    args: [clientId, token, deposit],
  }),
);

// 4. The provider's operator lists a service; the client's operator hires from it,
// quoting the listing's token, price and version (a changed listing reverts the hire).
const tag = keccak256(toHex("summarize"));
const listingId = createdListingId(
  await mined(
    await providerOperator.writeContract({
      address: listings,
      abi: serviceListingsAbi,
      functionName: "create_listing",
      args: [providerId, tag, token, price, 3_600n, keccak256(toHex("terms")), "ipfs://terms"],
    }),
  ),
  listings,
);
const listing = await client.readContract({
  address: listings,
  abi: serviceListingsAbi,
  functionName: "listing",
  args: [listingId],
});
const listedJob = createdJobId(
  await mined(
    await clientOperator.writeContract({
      address: escrow,
      abi: jobEscrowAbi,
      functionName: "hire",
      args: [listingId, clientId, listing.token, listing.price, listing.version],
    }),
  ),
  escrow,
);
await mined(
  await providerOperator.writeContract({
    address: escrow,
    abi: jobEscrowAbi,
    functionName: "accept",
    args: [listedJob],
  }),
);

// 5. A signed offer: the provider's operator signs, the client's operator hires with it
// (the job starts accepted).
const offer = {
  provider_id: providerId,
  client_id: clientId,
  token,
  price: 15n * unit,
  delivery_time: 3_600n,
  terms_hash: keccak256(toHex("offer terms")),
  evaluator: zeroAddress,
  evaluator_fee_bps: 0n,
  nonce: 1n,
  expiry: (await now()) + 3_600n,
};
const offerSignature = await providerOperator.signTypedData(
  offerTypedData({ chainId: chain.id, offerBook, offer }),
);
const { v, r, s } = signatureVrs(offerSignature);
const offeredJob = createdJobId(
  await mined(
    await clientOperator.writeContract({
      address: offerBook,
      abi: offerBookAbi,
      functionName: "hire_with_offer",
      args: [offer, clientId, v, r, s],
    }),
  ),
  escrow,
);

// 6. Deliver and complete both jobs.
for (const jobId of [listedJob, offeredJob]) {
  await mined(
    await providerOperator.writeContract({
      address: escrow,
      abi: jobEscrowAbi,
      functionName: "deliver",
      args: [jobId, keccak256(toHex(`result of ${jobId}`)), "ipfs://result"],
    }),
  );
  await mined(
    await clientOperator.writeContract({
      address: escrow,
      abi: jobEscrowAbi,
      functionName: "complete",
      args: [jobId],
    }),
  );
}

// 7. Ratings both ways on the listed job, the client's on the offered one too; each
// `Rated` names its rater, the rated agent is the job's other side.
const ratings: { jobId: bigint; rater: bigint; rated: bigint; score: number }[] = [];
for (const [operator, jobId, score] of [
  [clientOperator, listedJob, 90],
  [providerOperator, listedJob, 80],
  [clientOperator, offeredJob, 70],
] as const) {
  const receipt = await mined(
    await operator.writeContract({
      address: reputation,
      abi: reputationRegistryAbi,
      functionName: "rate",
      args: [jobId, score, "", "", "", zeroHash],
    }),
  );
  const [rated] = parseEventLogs({ abi: reputationRegistryAbi, eventName: "Rated", logs: receipt.logs });
  const [feedback] = parseEventLogs({
    abi: reputationRegistryAbi,
    eventName: "NewFeedback",
    logs: receipt.logs,
  });
  if (rated === undefined || feedback === undefined) throw new Error("rating not logged");
  const ratedId = ratedAgent(rated.args.job_id, rated.args.rater_id);
  if (ratedId !== feedback.args.agentId || feedback.args.clientAddress !== agentIdAsAddress(rated.args.rater_id)) {
    throw new Error("Rated and NewFeedback disagree");
  }
  ratings.push({ jobId, rater: rated.args.rater_id, rated: ratedId, score });
}

// 8. Reputation, and the ERC-8004 summary (named outputs; raters as agent ids written
// as addresses).
const readReputation = (agentId: bigint) =>
  client.readContract({
    address: reputation,
    abi: reputationRegistryAbi,
    functionName: "reputation_of",
    args: [agentId],
  });
const providerReputation = await readReputation(providerId);
const clientReputation = await readReputation(clientId);
const [count, summaryValue, summaryValueDecimals] = await client.readContract({
  address: reputation,
  abi: reputationRegistryAbi,
  functionName: "getSummary",
  args: [providerId, [agentIdAsAddress(clientId)], "", ""],
});

// 9. The provider's principal withdraws everything the provider earned.
const balanceOf = (agentId: bigint) =>
  client.readContract({
    address: escrow,
    abi: jobEscrowAbi,
    functionName: "balance_of",
    args: [agentId, token],
  });
const earned = await balanceOf(providerId);
await mined(
  await providerPrincipal.writeContract({
    address: escrow,
    abi: jobEscrowAbi,
    functionName: "withdraw",
    args: [providerId, token, earned, providerPrincipal.account.address],
  }),
);

const jobs = await Promise.all(
  [listedJob, offeredJob].map(async (jobId) => {
    const job = await client.readContract({
      address: escrow,
      abi: jobEscrowAbi,
      functionName: "job",
      args: [jobId],
    });
    const [createdAt, partyClient, partyProvider] = await client.readContract({
      address: escrow,
      abi: jobEscrowAbi,
      functionName: "job_parties",
      args: [jobId],
    });
    const parts = decodeJobId(jobId);
    if (parts.createdAt !== createdAt || parts.clientId !== partyClient || parts.providerId !== partyProvider) {
      throw new Error("decodeJobId disagrees with job_parties");
    }
    return {
      jobId,
      clientId: parts.clientId,
      providerId: parts.providerId,
      createdAt: parts.createdAt,
      price: job.price,
      status: nameOf(jobStatus, job.status),
    };
  }),
);

const summary = (r: typeof providerReputation) => ({
  completed: r.completed,
  jobs: r.jobs,
  ratingCount: r.rating_count,
  averageScore: r.average_score,
  volume: r.volume,
});

const result = {
  chainId: chain.id,
  clientId,
  providerId,
  clientOperator: clientOperatorOnChain,
  domainFields: Object.keys(registryDomain),
  listingId,
  jobs,
  ratings,
  reputation: { provider: summary(providerReputation), client: summary(clientReputation) },
  getSummary: { count, summaryValue, summaryValueDecimals },
  withdrawn: earned,
  providerBalanceAfter: await balanceOf(providerId),
  clientBalanceAfter: await balanceOf(clientId),
  providerPrincipalTokens: await client.readContract({
    address: token,
    abi: erc20Abi,
    functionName: "balanceOf",
    args: [providerPrincipal.account.address],
  }),
};
console.log(JSON.stringify(result, (_, value) => (typeof value === "bigint" ? value.toString() : value)));
