"""Đề nghị hỗ trợ doanh nghiệp (issue #15)."""
