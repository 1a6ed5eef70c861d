"""Benchmarks (a package only so that pytest tells them apart from tests/ of the same names)."""
