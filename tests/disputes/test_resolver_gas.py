"""Gas of the resolver's hot paths, measured cold (as at the start of a transaction).

`whole` = execution + 21,000 + calldata (helpers.intrinsic_gas). The escrow here
is MockDisputeHost, whose own execution is reported apart (`host`), so
`resolver` = whole minus the host's share is what this contract adds (the
arbitrator's createDispute included; `answer_panel` is that part); the real
JobEscrow's share will differ. The arbitrator is the real ArbiterPanel, in
steady state (earlier disputes exist, so its counter slot is warm in storage
and the new case's id is not 0). Ceilings hold the figures within ~10% of what
was measured when the resolver was written.
"""

from __future__ import annotations

from typing import Any

import boa

from .helpers import calldata, cold_gas, intrinsic_gas

URI = "ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi"  # 66 bytes


def test_gas__dispute_answer_propose_accept(
    resolver: Any,
    host: Any,
    panel: Any,
    make_job: Any,
    open_case: Any,
    client_principal: str,
    provider_principal: str,
    record_property: Any,
) -> None:
    open_case(make_job())  # steady state: the panel has handed out id 0 already
    job = make_job()
    figures: dict[str, int] = {}

    def run(name: str, who: str, data: bytes, fn: Any) -> None:
        with boa.env.prank(who):
            exec_gas, host_gas = cold_gas(resolver, fn, inside=host)
        whole = exec_gas + intrinsic_gas(data)
        figures[f"{name}_whole"] = whole
        figures[f"{name}_host"] = host_gas
        figures[f"{name}_resolver"] = whole - host_gas

    run(
        "dispute",
        client_principal,
        calldata("dispute(uint256,string)", ["uint256", "string"], [job, URI]),
        lambda: resolver.dispute(job, URI),
    )
    run(
        "answer",
        provider_principal,
        calldata("answer(uint256,string)", ["uint256", "string"], [job, URI]),
        lambda: resolver.answer(job, URI),
    )
    # the panel's createDispute, inside the answer (the same call, measured again)
    with boa.env.anchor(), boa.env.prank(provider_principal):
        job2 = make_job()
        with boa.env.prank(client_principal):
            resolver.dispute(job2, URI)
        _, figures["answer_panel"] = cold_gas(
            resolver, lambda: resolver.answer(job2, URI), inside=panel
        )
    share = 500_001
    run(
        "propose_settlement",
        client_principal,
        calldata("propose_settlement(uint256,uint256)", ["uint256", "uint256"], [job, share]),
        lambda: resolver.propose_settlement(job, share),
    )
    run(
        "accept_settlement",
        provider_principal,
        calldata("accept_settlement(uint256,uint256)", ["uint256", "uint256"], [job, share]),
        lambda: resolver.accept_settlement(job, share),
    )
    for k, v in figures.items():
        record_property(k, v)
    print(figures)
    assert figures["dispute_resolver"] <= 110_000
    assert figures["answer_resolver"] - figures["answer_panel"] <= 100_000
    assert figures["propose_settlement_whole"] <= 67_000
    assert figures["accept_settlement_resolver"] <= 55_000
