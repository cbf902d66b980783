"""Reports, their values, roll-ups and completeness in the JSON API (issue #16)."""

from ninja import Router

router = Router(tags=["Báo cáo"])
