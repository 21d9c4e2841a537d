/**
 * Job and tab ids name their parties. The escrow packs a job's id as
 *
 *     job_id = (created_at << 136) | (ordinal << 128) | (client_id << 64) | provider_id
 *
 * (`ordinal` tells apart one pair's jobs created in one block), and Tabs packs a tab's id
 * the same way with its opening time. So every job event, which carries only the job id
 * (`JobAccepted`, `JobDelivered`, `JobCompleted`, `DisputeOpened`, ...), names both
 * parties: decode it here rather than look them up. `Rated` carries the job id and the
 * rater: the rated agent is the other side (`ratedAgent`).
 */

const MASK_64 = (1n << 64n) - 1n;
const MASK_8 = (1n << 8n) - 1n;
const TIME_SHIFT = 136n;
const ORDINAL_SHIFT = 128n;

/** The parts of a job id (or a tab id: `createdAt` is then its opening time). */
export type IdParts = {
  /** Block timestamp of the creation (unix seconds). */
  createdAt: bigint;
  /** Which of the pair's jobs (or tabs) created in that block, from 0. */
  ordinal: number;
  clientId: bigint;
  providerId: bigint;
};

/** Decode a job id (same as `JobEscrow.job_parties`, plus the ordinal). */
export function decodeJobId(jobId: bigint): IdParts {
  if (jobId < 0n || jobId >> 256n !== 0n) throw new Error(`not a uint256: ${jobId}`);
  return {
    createdAt: jobId >> TIME_SHIFT,
    ordinal: Number((jobId >> ORDINAL_SHIFT) & MASK_8),
    clientId: (jobId >> 64n) & MASK_64,
    providerId: jobId & MASK_64,
  };
}

/** Decode a tab id (same layout as a job id; `Tabs.tab_parties`). */
export const decodeTabId = decodeJobId;

/** The id the escrow would give a job with these parts (the inverse of `decodeJobId`). */
export function encodeJobId(parts: IdParts): bigint {
  if (parts.clientId >> 64n !== 0n || parts.providerId >> 64n !== 0n) {
    throw new Error("agent ids lie below 2**64");
  }
  if (!Number.isInteger(parts.ordinal) || parts.ordinal < 0 || parts.ordinal > 255) {
    throw new Error(`ordinal ${parts.ordinal} outside 0..255`);
  }
  return (
    (parts.createdAt << TIME_SHIFT) |
    (BigInt(parts.ordinal) << ORDINAL_SHIFT) |
    (parts.clientId << 64n) |
    parts.providerId
  );
}

/**
 * The agent a rating of `jobId` by `raterId` rates: the job's other side (what
 * `NewFeedback.agentId` logs for the `Rated` that follows it).
 */
export function ratedAgent(jobId: bigint, raterId: bigint): bigint {
  const { clientId, providerId } = decodeJobId(jobId);
  if (raterId === clientId) return providerId;
  if (raterId === providerId) return clientId;
  throw new Error(`agent ${raterId} is not a party to job ${jobId}`);
}

/**
 * ERC-8004 keys raters by address: `NewFeedback.clientAddress`, `getSummary`'s
 * `clientAddresses` and `getLastIndex` take a rater AGENT ID written as an address
 * (`0x000...0007` for agent 7), not the rater's principal or operator.
 */
export function agentIdAsAddress(agentId: bigint): `0x${string}` {
  if (agentId < 0n || agentId >> 160n !== 0n) throw new Error(`not an agent id: ${agentId}`);
  return `0x${agentId.toString(16).padStart(40, "0")}`;
}
