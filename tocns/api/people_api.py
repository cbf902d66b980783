"""Members, applications, citizen feedback and training in the JSON API (issue #16)."""

from ninja import Router

router = Router()
