"""Twenty interviewers saving a field every 100 ms for 30 s, on SQLite and on PostgreSQL.

Each interviewer is its own process with its own store, as separate app processes
would be. Nothing may be lost, duplicated or land in someone else's interview. The p95
save latency is printed here and tabled by `python -m benchmarks concurrency`; it is
never asserted, because timing belongs to the benchmarks.
"""

from benchmarks.load import run_load


def test_twenty_interviewers_lose_duplicate_and_misattribute_nothing(store, db_url, backend, capsys):
    result = run_load(db_url, interviewers=20, interval=0.1, seconds=30)
    with capsys.disabled():
        print(f"\n[{backend}] {result.saves} saves by {result.interviewers} interviewers in {result.seconds:.0f} s: "
              f"p50 {result.p50_ms:.1f} ms, p95 {result.p95_ms:.1f} ms")
    assert result.failures == 0
    assert (result.lost, result.duplicated, result.misattributed) == (0, 0, 0)
    assert result.saves >= 20 * 30 * 0.5  # the load really ran: at least half the planned saves
