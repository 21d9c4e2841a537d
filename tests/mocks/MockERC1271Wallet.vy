# pragma version ~=0.4.3
"""
@title MockERC1271Wallet
@license MIT
@notice Test double: a contract wallet controlled by one owner key. Under
        ERC-1271 it accepts a signature of exactly `signature_length` bytes
        whose first 65 are the owner's (r, s, v) signature of the digest, and
        refuses anything else. A length above 65 models wallets whose proofs
        are longer than one ECDSA signature (multisig, passkeys); the bytes
        past the first 65 are not checked.
"""

# @dev ERC-1271 magic value, returned for a valid signature.
ERC1271_MAGIC: constant(bytes4) = 0x1626BA7E
ERC1271_INVALID: constant(bytes4) = 0xFFFFFFFF

# @dev The key that controls the wallet.
owner: public(address)
# @dev The exact length of the signatures the wallet accepts.
signature_length: public(uint256)


@deploy
def __init__(owner: address, signature_length: uint256):
    assert signature_length >= 65
    self.owner = owner
    self.signature_length = signature_length


@external
@view
def isValidSignature(digest: bytes32, signature: Bytes[1024]) -> bytes4:
    """
    @notice ERC-1271: whether the owner signed `digest`.
    @return The magic value if so, 0xffffffff otherwise.
    """
    if len(signature) != self.signature_length:
        return ERC1271_INVALID
    r: uint256 = extract32(signature, 0, output_type=uint256)
    s: uint256 = extract32(signature, 32, output_type=uint256)
    v: uint256 = convert(slice(signature, 64, 1), uint256)
    if ecrecover(digest, v, r, s) == self.owner:
        return ERC1271_MAGIC
    return ERC1271_INVALID
