/**
 * EIP-712 typed data for the three signatures the contracts verify: a provider's
 * offer (OfferBook), a tab's voucher (Tabs) and an operator's wallet proof
 * (AgentRegistry, ERC-8004 `AgentWalletSet`). Each helper returns the argument
 * viem's `signTypedData` (account or wallet client) and `hashTypedData` take.
 */
import {
  type Address,
  type Client,
  type Hex,
  parseSignature,
  type TypedDataDefinition,
  type TypedDataDomain,
} from "viem";
import { getEip712Domain } from "viem/actions";

import { signedTypes } from "./generated/eip712.js";

/** A contract that verifies a signature: OfferBook, Tabs or AgentRegistry. */
export type SigningContract = keyof typeof signedTypes;

type Types<C extends SigningContract> = (typeof signedTypes)[C]["types"];
type Primary<C extends SigningContract> = Extract<
  (typeof signedTypes)[C]["primaryType"],
  keyof Types<C>
>;

/** The typed-data argument of `signTypedData` for contract `C`'s signed type. */
export type SignedTypedData<C extends SigningContract> = TypedDataDefinition<
  Types<C>,
  Primary<C>
> & { domain: TypedDataDomain };

/** A provider's offer, as `OfferBook.hire_with_offer` takes it (and signs it). */
export type Offer = SignedTypedData<"OfferBook">["message"];
/** A tab voucher: the cumulative amount owed on a tab. */
export type Voucher = SignedTypedData<"Tabs">["message"];
/** ERC-8004's proof that a wallet accepts to act for an agent. */
export type AgentWalletSet = SignedTypedData<"AgentRegistry">["message"];

/** ERC-5267 `fields` bits, lowest first. */
export const eip5267Fields = ["name", "version", "chainId", "verifyingContract", "salt"] as const;

/** The values an ERC-5267 `eip712Domain()` call returns (viem's `getEip712Domain().domain`). */
export type Eip712DomainValues = {
  name: string;
  version: string;
  chainId: number | bigint;
  verifyingContract: Address;
  salt: Hex;
};

/**
 * The EIP-712 domain that ERC-5267 values describe: only the fields whose bit is set in
 * `fields`. viem's `getEip712Domain` hands back every value, a zero salt included, even
 * where the bitmap says the field is absent (AgentMarket's contracts return 0x0f: no
 * salt); a domain with that salt hashes differently and the contract refuses the
 * signature. Extensions (EIP-5267) are not supported: a non-empty list throws.
 */
export function domainFromFields(
  fields: Hex | number,
  values: Eip712DomainValues,
  extensions: readonly bigint[] = [],
): TypedDataDomain {
  const bits = typeof fields === "number" ? fields : Number.parseInt(fields, 16);
  if (!Number.isInteger(bits) || bits < 0 || bits >> eip5267Fields.length !== 0) {
    throw new Error(`unknown ERC-5267 fields bitmap ${String(fields)}`);
  }
  if (extensions.length !== 0) {
    throw new Error(`ERC-5267 extensions ${extensions.join(", ")} are not supported`);
  }
  const domain: TypedDataDomain = {};
  if (bits & 1) domain.name = values.name;
  if (bits & 2) domain.version = values.version;
  if (bits & 4) domain.chainId = values.chainId;
  if (bits & 8) domain.verifyingContract = values.verifyingContract;
  if (bits & 16) domain.salt = values.salt;
  return domain;
}

/** `domainFromFields` over the result of viem's `getEip712Domain`. */
export function domainFromEip712Domain(result: {
  domain: Eip712DomainValues;
  fields: Hex;
  extensions: readonly bigint[];
}): TypedDataDomain {
  return domainFromFields(result.fields, result.domain, result.extensions);
}

/** A contract's domain read from the chain (ERC-5267), honouring its fields bitmap. */
export async function readDomain(client: Client, address: Address): Promise<TypedDataDomain> {
  return domainFromEip712Domain(await getEip712Domain(client, { address }));
}

/**
 * A contract's domain from the package alone (no chain read): its name and version, the
 * chain id and the deployed address, exactly the fields its `eip712Domain()` declares.
 */
export function agentMarketDomain(
  contract: SigningContract,
  chainId: number | bigint,
  verifyingContract: Address,
): TypedDataDomain {
  const entry = signedTypes[contract];
  const values: Record<string, unknown> = { ...entry.domain, chainId, verifyingContract };
  const domain: Record<string, unknown> = {};
  for (const field of entry.domainFields) domain[field] = values[field];
  return domain as TypedDataDomain;
}

function typedData<C extends SigningContract>(
  contract: C,
  chainId: number | bigint,
  verifyingContract: Address,
  message: SignedTypedData<C>["message"],
): SignedTypedData<C> {
  const entry = signedTypes[contract];
  return {
    domain: agentMarketDomain(contract, chainId, verifyingContract),
    types: entry.types,
    primaryType: entry.primaryType,
    message,
  } as SignedTypedData<C>;
}

/**
 * A provider's offer to sign (its principal or operator): the typed data of
 * `OfferBook.hire_with_offer`, bound to the OfferBook (the escrow's `OFFERS`).
 */
export function offerTypedData(args: {
  chainId: number | bigint;
  offerBook: Address;
  offer: Offer;
}): SignedTypedData<"OfferBook"> {
  return typedData("OfferBook", args.chainId, args.offerBook, args.offer);
}

/** A tab voucher to sign (the tab's key): what `Tabs.redeem` checks. */
export function voucherTypedData(args: {
  chainId: number | bigint;
  tabs: Address;
  voucher: Voucher;
}): SignedTypedData<"Tabs"> {
  return typedData("Tabs", args.chainId, args.tabs, args.voucher);
}

/**
 * The proof the new operator wallet signs so that the agent's owner can make it the
 * agent's operator with `setAgentWallet(agentId, newWallet, deadline, signature)`. The
 * deadline must lie in the future, at most `constants.AgentRegistry.bounds
 * .MAX_DEADLINE_DELAY` seconds after the block that includes the call.
 */
export function agentWalletSetTypedData(args: {
  chainId: number | bigint;
  registry: Address;
  proof: AgentWalletSet;
}): SignedTypedData<"AgentRegistry"> {
  return typedData("AgentRegistry", args.chainId, args.registry, args.proof);
}

/**
 * A 65-byte signature as the `v, r, s` integers `hire_with_offer` and `Tabs.redeem` take
 * (v is 27 or 28).
 */
export function signatureVrs(signature: Hex): { v: bigint; r: bigint; s: bigint } {
  const { r, s, v, yParity } = parseSignature(signature);
  return { v: v ?? BigInt(27 + yParity), r: BigInt(r), s: BigInt(s) };
}
