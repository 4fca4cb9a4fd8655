"""Benchmarks that time Motive's real workloads; `python -m benchmarks` prints one table."""
