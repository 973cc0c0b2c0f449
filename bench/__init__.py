"""Caveat's benchmarks: each script measures one claim against a baseline in the same run (README.md)."""
