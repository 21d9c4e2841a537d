"""The discovery index: the chain's listings, jobs and reputation in SQLite.

`Indexer` follows the chain (`events` says what it reads, `reorg` undoes orphaned
blocks, `schema` is the database); `find_providers` ranks the providers of a tag.
"""

from agentmarket.index.indexer import (
    DEFAULT_DB_URL,
    Indexer,
    IndexSyncError,
    ProviderMatch,
    SyncReport,
    find_providers,
)
from agentmarket.index.reorg import DEFAULT_REORG_DEPTH, ReorgTooDeepError
from agentmarket.index.schema import IndexMismatchError

__all__ = [
    "DEFAULT_DB_URL",
    "DEFAULT_REORG_DEPTH",
    "IndexMismatchError",
    "IndexSyncError",
    "Indexer",
    "ProviderMatch",
    "ReorgTooDeepError",
    "SyncReport",
    "find_providers",
]
