from ninja import Schema


class UnitOut(Schema):
    code: str
    name: str
    kind: str
    level: str
    parent_code: str | None
    is_demo: bool
    retired_on: str | None

    @staticmethod
    def resolve_parent_code(obj) -> str | None:
        return obj.parent.code if obj.parent_id else None

    @staticmethod
    def resolve_retired_on(obj) -> str | None:
        return obj.retired_on.isoformat() if obj.retired_on else None


class AssignmentOut(Schema):
    role: str
    unit_code: str
    unit_name: str


class MeOut(Schema):
    username: str
    full_name: str
    phone: str | None
    assignments: list[AssignmentOut]
