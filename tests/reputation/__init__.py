"""Tests of the reputation registry (issue 5)."""
