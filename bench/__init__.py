"""Benchmarks: the library against DRF's defaults and its peers, measured in one run."""
