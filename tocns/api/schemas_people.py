"""Schemas of the people endpoints (members, applications, citizen feedback, training; issue #16).

Personal fields the caller may not see are null, never left out, so the shape does not depend on
who asks: `phone`, `ethnic_group`, `contact_phone`, `citizen_name`, `citizen_phone`."""

from datetime import date

from ninja import Schema


class MemberRowOut(Schema):
    person_id: int
    full_name: str
    role: str  # leader, deputy, member, collaborator
    role_label: str
    team_id: int
    unit_code: str  # the team's village or commune
    commune_code: str
    start_date: date
    occupation: str
    position: str
    gender: str
    birth_year: int | None
    phone: str | None  # null when the caller may not see it (the team page's rule)
    ethnic_group: str | None  # null unless the caller's role may see it and the person agreed


class ApplicationEntryOut(Schema):
    full_name: str
    gender: str
    birth_year: int | None
    occupation: str
    workplace: str
    home_village_code: str | None
    phone: str | None  # only to those who decide the application
    person_id: int | None  # the person the entry became, once approved


class ApplicationOut(Schema):
    id: int
    kind: str  # join, leave
    status: str  # pending, info_requested, approved, rejected
    status_label: str
    channel: str
    is_group: bool
    team_id: int
    unit_code: str
    commune_code: str
    contact_name: str
    contact_phone: str | None  # only to those who decide the application
    submitted_at: str
    decided_at: str | None
    entry_count: int
    can_decide: bool


class ApplicationDetailOut(ApplicationOut):
    message: str
    answer: str
    entries: list[ApplicationEntryOut]


class FeedbackOut(Schema):
    code: str
    kind: str  # opinion, petition, complaint
    status: str  # received, forwarded, answered, closed
    status_label: str
    unit_code: str  # the village
    commune_code: str
    service_code: str | None
    received_on: date
    answer_due_on: date
    answered_on: date | None
    overdue: bool
    content: str
    answer: str
    forwarded_to: str
    citizen_name: str | None  # only with the citizen's consent and to a scope covering the village
    citizen_phone: str | None


class SessionOut(Schema):
    id: int
    starts_at: str
    place: str
    online_link: str
    trainer_name: str


class CourseOut(Schema):
    id: int
    title: str
    topic_code: str
    topic_name: str
    province_code: str
    partner: str | None
    sessions: list[SessionOut]


class CourseDetailOut(CourseOut):
    description: str
    invited: int  # how many of the people the caller may see are invited


class AttendanceRowOut(Schema):
    person_id: int
    full_name: str
    commune_code: str
    present: bool | None  # null: not marked yet


class SessionAttendanceOut(Schema):
    session_id: int
    starts_at: str
    place: str
    people: list[AttendanceRowOut]


class TopicCountOut(Schema):
    topic_code: str
    topic_name: str
    proficient: int


class CommuneProficiencyOut(Schema):
    commune_code: str
    commune_name: str
    topics: list[TopicCountOut]
