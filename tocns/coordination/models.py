"""Tổ phối hợp cấp xã (issue #15)."""
