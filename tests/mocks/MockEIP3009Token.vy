# pragma version ~=0.4.3
"""
@title Mock USDC-like token with EIP-3009 `transferWithAuthorization`
@license MIT
@notice snekmate's ERC-20 (with EIP-2612 and an EIP-712 domain) plus EIP-3009's
        `transferWithAuthorization` and `authorizationState`, as USDC implements
        them: the settlement x402's `exact` scheme sends for every call. No proxy
        and no blocklist, so its gas is a lower bound of USDC's. Bench and test
        use only: anyone the owner names may mint.
@custom:security None: a test double.
"""

from snekmate.auth import ownable
from snekmate.tokens import erc20
from snekmate.utils import ecdsa

initializes: ownable
initializes: erc20[ownable := ownable]

exports: erc20.__interface__

_TRANSFER_WITH_AUTHORIZATION_TYPEHASH: constant(bytes32) = keccak256(
    "TransferWithAuthorization(address from,address to,uint256 value,uint256 validAfter,uint256 validBefore,bytes32 nonce)"
)

# @dev Whether `authorizer` has used (or cancelled) the authorization `nonce`.
authorizationState: public(HashMap[address, HashMap[bytes32, bool]])

event AuthorizationUsed:
    authorizer: indexed(address)
    nonce: indexed(bytes32)


@deploy
def __init__(name_: String[25], symbol_: String[5], decimals_: uint8, version_: String[20]):
    ownable.__init__()
    erc20.__init__(name_, symbol_, decimals_, name_, version_)


@external
def transferWithAuthorization(
    _from: address,
    to: address,
    amount: uint256,
    validAfter: uint256,
    validBefore: uint256,
    nonce: bytes32,
    v: uint8,
    r: bytes32,
    s: bytes32,
):
    """
    @notice Move `amount` from `_from` to `to` on `_from`'s EIP-712 signature
            (EIP-3009), once per `nonce`, within (`validAfter`, `validBefore`).
    """
    assert block.timestamp > validAfter, "EIP3009: authorization is not yet valid"
    assert block.timestamp < validBefore, "EIP3009: authorization is expired"
    assert not self.authorizationState[_from][nonce], "EIP3009: authorization is used"
    struct_hash: bytes32 = keccak256(
        abi_encode(
            _TRANSFER_WITH_AUTHORIZATION_TYPEHASH, _from, to, amount, validAfter, validBefore, nonce
        )
    )
    digest: bytes32 = erc20.eip712_domain_separator._hash_typed_data_v4(struct_hash)
    signer: address = ecdsa._recover_vrs(
        digest, convert(v, uint256), convert(r, uint256), convert(s, uint256)
    )
    assert signer == _from and signer != empty(address), "EIP3009: invalid signature"
    self.authorizationState[_from][nonce] = True
    log AuthorizationUsed(authorizer=_from, nonce=nonce)
    erc20._transfer(_from, to, amount)
