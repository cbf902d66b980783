"""Sở, ban, ngành (issue #15)."""
