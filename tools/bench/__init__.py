"""Benchmarks: whole-transaction gas per step with its floor (`tools.bench.gas`,
`tools.bench.floor`, and the steps of `evaluation`, `tabs` and `validation`),
voucher throughput (`tools.bench.tabs`) and the discovery index (`tools.bench.index`)."""
