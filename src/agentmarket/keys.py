"""Signing keys for the command line: an encrypted keystore file, or an environment variable.

A key is never taken from a command-line argument: arguments land in shell
history and in every process listing. Two sources are offered:

- an encrypted JSON keystore (Web3 Secret Storage, as geth, Foundry's
  `cast wallet` and eth-account write it), decrypted with a password read
  from an environment variable or asked for interactively;
- an environment variable holding the hex private key (CI, containers).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from eth_account import Account
from eth_account.signers.local import LocalAccount

from agentmarket.errors import AgentMarketError

DEFAULT_KEY_ENV = "AGENTMARKET_KEY"


class KeyLoadError(AgentMarketError):
    """Base of the key-loading errors."""


class KeystoreNotFoundError(KeyLoadError):
    """The keystore file does not exist or cannot be read."""


class KeystoreFormatError(KeyLoadError):
    """The file is not a keystore (not JSON, or no `crypto` section)."""


class WrongPasswordError(KeyLoadError):
    """The keystore did not decrypt with the password given."""


class MissingKeyEnvError(KeyLoadError):
    """The environment variable that should hold a key or password is unset or empty."""


class BadPrivateKeyError(KeyLoadError):
    """The environment variable's value is not a 32-byte hex private key."""


class NoKeySourceError(KeyLoadError):
    """The command needs a signing key and none was named."""


@dataclass(frozen=True)
class KeySource:
    """Where one signing key comes from: a keystore file, or an environment variable."""

    keystore: Path | None = None
    password_env: str | None = None
    key_env: str | None = None

    def describe(self) -> str:
        if self.keystore is not None:
            return f"keystore {self.keystore}"
        return f"environment variable {self.key_env}"


def load_keystore(
    path: Path,
    password: str | None = None,
    *,
    password_env: str | None = None,
    prompt: Callable[[str], str] | None = None,
    environ: Mapping[str, str] | None = None,
) -> LocalAccount:
    """Decrypt the keystore at `path`.

    The password is `password` if given, else the value of `password_env`,
    else whatever `prompt` returns (for an interactive terminal).
    """
    env = os.environ if environ is None else environ
    try:
        text = Path(path).read_text()
    except FileNotFoundError as exc:
        raise KeystoreNotFoundError(f"keystore file not found: {path}") from exc
    except OSError as exc:
        raise KeystoreNotFoundError(f"cannot read keystore {path}: {exc.strerror}") from exc
    try:
        keyfile = json.loads(text)
    except json.JSONDecodeError as exc:
        raise KeystoreFormatError(f"{path} is not a JSON keystore: {exc.msg}") from exc
    if not isinstance(keyfile, dict) or not ("crypto" in keyfile or "Crypto" in keyfile):
        raise KeystoreFormatError(f"{path} is not an encrypted keystore (no 'crypto' section)")
    if password is None:
        if password_env is not None:
            password = env.get(password_env)
            if password is None:
                raise MissingKeyEnvError(
                    f"environment variable {password_env} (the keystore password) is not set"
                )
        elif prompt is not None:
            password = prompt(f"Password for {path}")
        else:
            raise NoKeySourceError(
                f"no password for {path}: name an environment variable with --password-env"
            )
    try:
        private_key = Account.decrypt(keyfile, password)
    except ValueError as exc:
        if "MAC mismatch" in str(exc):
            raise WrongPasswordError(f"wrong password for keystore {path}") from exc
        raise KeystoreFormatError(f"cannot decrypt {path}: {exc}") from exc
    account: LocalAccount = Account.from_key(private_key)
    return account


def load_env_key(name: str, environ: Mapping[str, str] | None = None) -> LocalAccount:
    """The account whose hex private key is in environment variable `name`."""
    env = os.environ if environ is None else environ
    value = env.get(name, "").strip()
    if not value:
        raise MissingKeyEnvError(f"environment variable {name} (a private key) is not set")
    try:
        raw = bytes.fromhex(value.removeprefix("0x"))
    except ValueError as exc:
        raise BadPrivateKeyError(f"{name} does not hold a hex private key") from exc
    if len(raw) != 32:
        raise BadPrivateKeyError(f"{name} holds {len(raw)} bytes; a private key is 32")
    try:
        account: LocalAccount = Account.from_key(raw)
    except ValueError as exc:  # zero or above the curve order
        raise BadPrivateKeyError(f"{name} does not hold a valid private key") from exc
    return account


def load_key(
    source: KeySource,
    *,
    prompt: Callable[[str], str] | None = None,
    environ: Mapping[str, str] | None = None,
) -> LocalAccount:
    """Load the key `source` names: the keystore if one is given, else the env variable."""
    if source.keystore is not None:
        return load_keystore(
            source.keystore, password_env=source.password_env, prompt=prompt, environ=environ
        )
    if source.key_env is not None:
        return load_env_key(source.key_env, environ)
    raise NoKeySourceError("this command signs: give --keystore FILE or --key-env NAME")


def write_keystore(account: LocalAccount, password: str, path: Path) -> Path:
    """Encrypt `account` into a keystore file at `path` (mode 0600)."""
    keyfile = Account.encrypt(account.key, password)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(keyfile))
    path.chmod(0o600)
    return path
