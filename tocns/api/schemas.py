from datetime import date

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


class MemberOut(Schema):
    person_id: int
    full_name: str
    role: str
    role_label: str
    start_date: date
    end_date: date | None


class TeamOut(Schema):
    id: int
    unit_code: str
    unit_name: str
    commune_code: str
    status: str
    established_on: date | None
    dissolved_on: date | None
    zalo_group_url: str

    @staticmethod
    def resolve_unit_code(obj) -> str:
        return obj.unit.code

    @staticmethod
    def resolve_unit_name(obj) -> str:
        return obj.unit.name

    @staticmethod
    def resolve_commune_code(obj) -> str:
        return obj.commune.code


class TeamDetailOut(TeamOut):
    members: list[MemberOut]

    @staticmethod
    def resolve_members(obj) -> list[dict]:
        return [{"person_id": m.person_id, "full_name": m.person.full_name, "role": m.role,
                 "role_label": m.get_role_display(), "start_date": m.start_date, "end_date": m.end_date}
                for m in obj.members]
