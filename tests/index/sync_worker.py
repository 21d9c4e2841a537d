"""Run a slow synthetic sync in a subprocess, to be killed mid-way by a test.

python tests/index/sync_worker.py DB_URL DELAY BATCH_SIZE
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import ADDRESSES, SyntheticSource, synthetic_events

from agentmarket.index.indexer import Indexer


def main() -> None:
    db_url, delay, batch_size = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
    source = SyntheticSource(synthetic_events(), delay=delay)
    indexer = Indexer(None, ADDRESSES, db_url, source=source, batch_size=batch_size, progress=False)
    print("syncing", flush=True)
    indexer.sync()
    print("done", flush=True)


if __name__ == "__main__":
    main()
