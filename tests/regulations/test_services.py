import datetime
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from tocns.audit.models import AuditEntry
from tocns.regulations import selectors, services
from tocns.regulations.articles import blocks
from tocns.regulations.models import Adoption, AdoptionStatus, RegulationVersion

from .factories import MODEL_TEXT, issue, make_version, start

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_a_newer_version_supersedes_and_the_older_is_kept(world):
    v1 = make_version(world, label="1")
    v2 = make_version(world, label="2", issued_on=datetime.date(2026, 10, 1))
    assert selectors.current_version(world.province) == v2
    assert set(RegulationVersion.objects.filter(province=world.province)) == {v1, v2}


def test_publishing_twice_with_the_same_key_makes_one_version(world):
    key = uuid.uuid4()
    args = dict(province=world.province, label="1", title="Quy chế mẫu", issued_on=datetime.date(2026, 9, 1),
                text=MODEL_TEXT, submission_key=key, by=world.province_admin)
    assert services.version_publish(**args) == services.version_publish(**args)
    assert RegulationVersion.objects.count() == 1


def test_the_same_label_twice_is_refused(world):
    make_version(world, label="1")
    with pytest.raises(ValidationError) as exc:
        make_version(world, label="1")
    assert "Đã có phiên bản 1" in exc.value.message_dict["label"][0]


def test_articles_out_of_order_are_named(world):
    with pytest.raises(ValidationError) as exc:
        make_version(world, text="Điều 1. Một\nĐiều 3. Ba")
    assert "cần Điều 2" in exc.value.message_dict["text"][0]


def test_a_version_needs_articles_or_a_file(world):
    with pytest.raises(ValidationError):
        make_version(world, text="")
    version = make_version(world, text="", file=SimpleUploadedFile("mau.pdf", b"%PDF-1.7 mau", "application/pdf"))
    assert version.file


def test_a_file_that_is_not_really_a_pdf_is_refused(world):
    with pytest.raises(ValidationError) as exc:
        make_version(world, text="", file=SimpleUploadedFile("mau.pdf", b"MZ not a pdf", "application/pdf"))
    assert "file" in exc.value.message_dict


def test_chapters_and_articles_are_read_back(world):
    kinds = [b.kind for b in blocks(MODEL_TEXT)]
    assert kinds[:3] == ["chapter", "chapter", "article"]
    assert kinds.count("article") == 4


def test_a_commune_adopts_the_model_adapted_and_keeps_its_base(world):
    version = make_version(world)
    adoption = start(world, version)
    assert adoption.text == version.text and adoption.base == version and adoption.is_draft
    adapted = version.text.replace("trước ngày 30", "trước ngày 25")
    adoption = services.adoption_update(adoption=adoption, title=adoption.title, text=adapted,
                                        was=adoption.version, by=world.officer_a)
    assert "ngày 25" in adoption.text and adoption.base == version
    adoption = issue(adoption)
    assert adoption.status == AdoptionStatus.ISSUED and adoption.signed_file
    assert selectors.in_force(world.commune_a) == adoption
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"regulation.publish", "regulation.adopt_start", "regulation.adopt_edit",
            "regulation.adopt_issue"} <= actions


def test_an_edit_on_an_older_version_is_refused(world):
    adoption = start(world, make_version(world))
    was = adoption.version
    services.adoption_update(adoption=adoption, title="Quy chế A", text=MODEL_TEXT, was=was, by=world.officer_a)
    with pytest.raises(ValidationError) as exc:
        services.adoption_update(adoption=adoption, title="Quy chế B", text=MODEL_TEXT, was=was,
                                 by=world.chairman_a)
    assert exc.value.code == "stale"
    assert Adoption.objects.get().title == "Quy chế A"


def test_starting_twice_with_the_same_key_makes_one_draft_and_a_second_draft_is_refused(world):
    version = make_version(world)
    key = uuid.uuid4()
    first = services.adoption_start(commune=world.commune_a, base=version, submission_key=key, by=world.officer_a)
    again = services.adoption_start(commune=world.commune_a, base=version, submission_key=key, by=world.officer_a)
    assert first == again
    with pytest.raises(ValidationError):
        start(world, version)


def test_an_issued_adoption_is_closed(world):
    adoption = issue(start(world, make_version(world)))
    with pytest.raises(ValidationError) as exc:
        services.adoption_update(adoption=adoption, title="x", text=MODEL_TEXT, was=adoption.version,
                                 by=world.officer_a)
    assert exc.value.code == "closed"


def test_a_decision_number_used_by_a_team_decision_is_refused(world):
    from tests.factories import make_team
    from tocns.teams.services import team_establish

    team = make_team(world, established=False)
    team_establish(team=team, number="12/QĐ-UBND", signed_on=datetime.date(2026, 10, 1), signer_name="Ma Văn Tiến")
    adoption = start(world, make_version(world))
    with pytest.raises(ValidationError) as exc:
        issue(adoption, number="12/QĐ-UBND")
    assert "đã được ghi" in exc.value.message_dict["decision_number"][0]
    assert Adoption.objects.get().status == AdoptionStatus.DRAFT


def test_the_signed_scan_is_required(world):
    adoption = start(world, make_version(world))
    with pytest.raises(ValidationError) as exc:
        services.adoption_issue(adoption=adoption, decision_number="1/QĐ-UBND", signed_on=datetime.date(2026, 10, 5),
                                signer_name="Ma Văn Tiến", signer_title="Chủ tịch", signed_file=None,
                                was=adoption.version, by=world.officer_a)
    assert "signed_file" in exc.value.message_dict


def test_the_province_table_says_none_older_or_current(world):
    from tests.factories import make_unit
    from tocns.geo.models import UnitKind

    commune_c = make_unit(name="Xã Kim Bình", kind=UnitKind.XA, parent=world.province)
    v1 = make_version(world, label="1")
    issue(start(world, v1))  # commune A on v1
    v2 = make_version(world, label="2", issued_on=datetime.date(2026, 10, 1))
    issue(start(world, v2, commune=world.commune_b, by=world.officer_b), number="3/QĐ-UBND")
    rows, counts = selectors.commune_table(world.province)
    states = {row.commune: row.state for row in rows}
    assert states == {world.commune_a: "older", world.commune_b: "current", commune_c: "none"}
    assert counts == {"none": 1, "older": 1, "current": 1}
    rows, _counts = selectors.commune_table(world.province, state="none")
    assert [r.commune for r in rows] == [commune_c]
    rows, _counts = selectors.commune_table(world.province, query="minh xuan")
    assert [r.commune for r in rows] == [world.commune_b]


def test_withdrawing_a_draft_keeps_it_and_lets_the_commune_start_again(world):
    v1 = make_version(world)
    draft = start(world, v1)
    services.adoption_withdraw(adoption=draft, was=draft.version, by=world.officer_a)
    assert Adoption.objects.get(pk=draft.pk).status == AdoptionStatus.WITHDRAWN
    assert start(world, make_version(world, label="2")).is_draft
