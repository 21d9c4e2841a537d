"""Sync a real deployment from a node in small, slowed batches, to be killed mid-way.

python tests/index/anvil_sync_worker.py DB_URL RPC_URL DEPLOYMENT_JSON TO_BLOCK BATCH_SIZE DELAY

DELAY seconds pass before each batch's `eth_getLogs` (the test hook that lets a
kill land mid-sync on a fast local node); the logs themselves are the node's.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Mapping
from pathlib import Path

from web3 import Web3

from agentmarket.chain import connect
from agentmarket.deployment import Deployment
from agentmarket.index.events import FOLLOWED, ChainEvent, Web3EventSource
from agentmarket.index.indexer import Indexer


class SlowSource(Web3EventSource):
    def __init__(self, w3: Web3, addresses: Mapping[str, str], delay: float) -> None:
        super().__init__(w3, addresses)
        self.delay = delay

    def events(self, from_block: int, to_block: int) -> list[ChainEvent]:
        time.sleep(self.delay)
        return super().events(from_block, to_block)


def main() -> None:
    db_url, rpc, record_path = sys.argv[1], sys.argv[2], Path(sys.argv[3])
    to_block, batch_size, delay = int(sys.argv[4]), int(sys.argv[5]), float(sys.argv[6])
    w3 = connect(rpc)
    record = Deployment.load(record_path)
    addresses = {n: c.address for n, c in record.contracts.items() if n in FOLLOWED}
    indexer = Indexer.from_deployment(
        w3,
        record,
        db_url,
        batch_size=batch_size,
        progress=False,
        source=SlowSource(w3, addresses, delay),
    )
    print("syncing", flush=True)
    indexer.sync(to_block=to_block)
    print("done", flush=True)


if __name__ == "__main__":
    main()
