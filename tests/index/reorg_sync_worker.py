"""Resync a reorganised synthetic chain slowly in a subprocess, to be killed mid-way.

python tests/index/reorg_sync_worker.py DB_URL DELAY BATCH_SIZE FORK_AT

The database was synced over `synthetic_events(seed=REORG_SEED)`; this worker's
chain is the same below FORK_AT and `fork_of(...)` from there (two blocks
longer), so its sync first rolls back, then resyncs in slowed batches.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import ADDRESSES, REORG_SEED, reorged_source, synthetic_events

from agentmarket.index.indexer import Indexer


def main() -> None:
    db_url, delay, batch_size, fork_at = sys.argv[1:5]
    events = synthetic_events(seed=REORG_SEED)
    source = reorged_source(events, int(fork_at), shift=2, delay=float(delay))
    indexer = Indexer(
        None, ADDRESSES, db_url, source=source, batch_size=int(batch_size), progress=False
    )
    print("syncing", flush=True)
    indexer.sync()
    print("done", flush=True)


if __name__ == "__main__":
    main()
