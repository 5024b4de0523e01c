"""Benchmarks of the portal generator and the support backend on synthetic data (``make bench``; see README, Performance)."""
