"""Quy chế hoạt động (issue #15)."""
