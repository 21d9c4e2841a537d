"""Signing keys: an encrypted keystore (password from an env var or a prompt), or an env var."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from eth_account import Account
from eth_account.signers.local import LocalAccount

from agentmarket.keys import (
    BadPrivateKeyError,
    KeySource,
    KeystoreFormatError,
    KeystoreNotFoundError,
    MissingKeyEnvError,
    NoKeySourceError,
    WrongPasswordError,
    load_env_key,
    load_key,
    load_keystore,
)

from .conftest import Invoke, World


@pytest.fixture
def account() -> LocalAccount:
    acct: LocalAccount = Account.create()
    return acct


@pytest.fixture
def keystore(tmp_path: Path, account: LocalAccount) -> Path:
    path = tmp_path / "operator.json"
    # pbkdf2 with few iterations keeps the test fast; real keystores use scrypt
    path.write_text(
        json.dumps(Account.encrypt(account.key, "s3cret", kdf="pbkdf2", iterations=1_000))
    )
    return path


def test_keystore__password_from_env__decrypts(keystore: Path, account: LocalAccount) -> None:
    loaded = load_key(KeySource(keystore, "PW"), environ={"PW": "s3cret"})
    assert loaded.address == account.address


def test_keystore__password_from_prompt__decrypts(keystore: Path, account: LocalAccount) -> None:
    asked: list[str] = []

    def prompt(text: str) -> str:
        asked.append(text)
        return "s3cret"

    assert load_keystore(keystore, prompt=prompt).address == account.address
    assert asked and str(keystore) in asked[0]


def test_keystore__wrong_password__raises(keystore: Path) -> None:
    with pytest.raises(WrongPasswordError, match="wrong password"):
        load_key(KeySource(keystore, "PW"), environ={"PW": "nope"})


def test_keystore__missing_file__raises(tmp_path: Path) -> None:
    with pytest.raises(KeystoreNotFoundError, match="not found"):
        load_key(KeySource(tmp_path / "absent.json", "PW"), environ={"PW": "x"})


def test_keystore__password_env_unset__raises(keystore: Path) -> None:
    with pytest.raises(MissingKeyEnvError, match="PW"):
        load_key(KeySource(keystore, "PW"), environ={})


def test_keystore__not_a_keystore__raises(tmp_path: Path) -> None:
    path = tmp_path / "k.json"
    path.write_text('{"hello": 1}')
    with pytest.raises(KeystoreFormatError):
        load_keystore(path, "x")
    path.write_text("not json")
    with pytest.raises(KeystoreFormatError):
        load_keystore(path, "x")


def test_env_key__hex_with_or_without_prefix__loads(account: LocalAccount) -> None:
    hexkey = bytes(account.key).hex()
    assert load_env_key("K", {"K": "0x" + hexkey}).address == account.address
    assert load_env_key("K", {"K": hexkey + "\n"}).address == account.address


def test_env_key__unset_or_bad__raises() -> None:
    with pytest.raises(MissingKeyEnvError, match="K"):
        load_env_key("K", {})
    with pytest.raises(BadPrivateKeyError):
        load_env_key("K", {"K": "0xzz"})
    with pytest.raises(BadPrivateKeyError, match="32"):
        load_env_key("K", {"K": "0x1234"})
    with pytest.raises(BadPrivateKeyError):
        load_env_key("K", {"K": "0x" + "00" * 32})


def test_no_source__raises() -> None:
    with pytest.raises(NoKeySourceError):
        load_key(KeySource())


def test_cli__no_option_takes_a_key_value() -> None:
    """Keys never come from arguments: no option is named like a raw key."""
    from agentmarket.cli.app import main

    def params(group: object) -> list[str]:
        found = []
        for cmd in getattr(group, "commands", {}).values():
            found += [o for p in cmd.params for o in p.opts]
            found += params(cmd)
        return found

    names = params(main)
    assert not [n for n in names if n in ("--key", "--private-key", "--password")]


def test_cli__keystore_signs_a_registration(
    am: Invoke, world: World, keystore: Path, account: LocalAccount
) -> None:
    from agentmarket.chain import Signer

    Signer(world.w3, world.accounts["governance"]).send({"to": account.address, "value": 10**18})
    world.env["KS_PW"] = "s3cret"
    run = am("register", "--keystore", str(keystore), "--password-env", "KS_PW", "--json")
    assert run.json()["principal"] == account.address


def test_cli__keystore_password_prompted(
    am: Invoke, world: World, keystore: Path, account: LocalAccount
) -> None:
    from agentmarket.chain import Signer

    Signer(world.w3, world.accounts["governance"]).send({"to": account.address, "value": 10**18})
    run = am("register", "--keystore", str(keystore), "--json", input="s3cret\n")
    assert run.json()["principal"] == account.address


def test_cli__wrong_password_and_missing_env__exit_1(
    am: Invoke, world: World, keystore: Path
) -> None:
    world.env["KS_PW"] = "wrong"
    run = am("register", "--keystore", str(keystore), "--password-env", "KS_PW")
    assert run.code == 1 and run.err.startswith("error: wrong password")
    missing = am("register", "--key-env", "AM_TEST_UNSET_KEY")
    assert missing.code == 1 and "AM_TEST_UNSET_KEY" in missing.err
    gone = am("register", "--keystore", str(keystore.parent / "gone.json"), "--password-env", "X")
    assert gone.code == 1 and "not found" in gone.err
