/**
 * @agentmarket/abi: everything a TypeScript client needs to talk to AgentMarket with viem,
 * without reading Vyper: `as const` ABIs (types inferred), the EIP-712 typed data the
 * contracts verify, the constants by name, job id decoding, deployment records and the
 * ids writes create. Node-only helpers are in `@agentmarket/abi/node`.
 */
export * from "./abi/index.js";
export * from "./deployment.js";
export * from "./events.js";
export * from "./generated/constants.js";
export * from "./generated/eip712.js";
export * from "./ids.js";
export * from "./names.js";
export * from "./typedData.js";
