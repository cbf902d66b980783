"""Nhiệm vụ giao cho tổ (issue #15)."""
