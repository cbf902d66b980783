import datetime
import io

import docx
import pytest
from django.utils import translation
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn

from tocns.geo.models import ProvinceProfile
from tocns.teams.choices import Gender, MemberRole
from tocns.teams.documents import establishment_decision
from tocns.teams.models import Person
from tocns.teams.services import membership_end, membership_start, team_propose

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def plan(world):
    """The province's plan, as load_units fills it for Tuyên Quang from its data file."""
    return ProvinceProfile.objects.create(province=world.province, plan_number="10/KH-UBND",
                                          plan_date=datetime.date(2025, 7, 17))


DAY = datetime.date(2026, 1, 2)
SIGNED = dict(number="45/QĐ-UBND", signed_on=datetime.date(2026, 1, 5), signer_name="Ma Văn Tiến")


def flat(text: str) -> str:
    return " ".join(text.split())


def read(data: bytes):
    return docx.Document(io.BytesIO(data))


def texts(cell_or_document) -> list[str]:
    return [flat(p.text) for p in cell_or_document.paragraphs if p.text.strip()]


def annex_rows(document) -> list[list[str]]:
    return [[c.text for c in row.cells] for row in document.tables[2].rows]


def person(world, name, *, phone=None, **fields):
    return Person.objects.create(full_name=name, phone=phone, province=world.province, commune=world.commune_a,
                                 **fields)


@pytest.fixture
def village_team(world):
    """Joined in an order that is neither the role order nor the alphabetical one; one member left."""
    team = team_propose(unit=world.village_a1)
    cast = [
        ("Sùng Mí Lử", MemberRole.COLLABORATOR, dict(birth_year=2001, workplace="Nhân viên Viettel Lâm Bình",
                                                    phone="0207382212", phone_public=True)),
        ("Hoàng Văn Páo", MemberRole.MEMBER, dict(birth_year=1990, workplace="Công an xã Thượng Lâm",
                                                  phone="0905000002")),
        ("Triệu Thị Nhất", MemberRole.DEPUTY, dict(gender=Gender.FEMALE, birth_year=1998,
                                                   workplace="Bí thư Chi đoàn thôn Nà Khà", phone="0905000001")),
        ("Đặng Văn Quẩy", MemberRole.MEMBER, dict(birth_year=1970)),
        ("Giàng Seo Chứ", MemberRole.LEADER, dict(gender=Gender.MALE, birth_year=1985,
                                                  workplace="Trưởng thôn Nà Khà", phone="0904000001",
                                                  phone_public=True)),
        ("Lý Thị Mai", MemberRole.MEMBER, dict()),
    ]
    memberships = {name: membership_start(team=team, person=person(world, name, **fields), role=role, start_date=DAY)
                   for name, role, fields in cast}
    membership_end(membership=memberships["Đặng Văn Quẩy"], end_date=datetime.date(2026, 1, 3),
                   reason="Chuyển công tác")
    return team


def test_annex_lists_active_members_leader_deputy_members_collaborators(village_team):
    document = read(establishment_decision(village_team, **SIGNED))
    rows = annex_rows(document)
    assert rows[0] == ["STT", "Họ và tên", "Năm sinh", "Chức vụ/nơi công tác", "Vai trò trong tổ", "Số điện thoại"]
    assert rows[1:] == [
        ["1", "Giàng Seo Chứ", "1985", "Trưởng thôn Nà Khà", "Tổ trưởng", "0904 000 001"],
        ["2", "Triệu Thị Nhất", "1998", "Bí thư Chi đoàn thôn Nà Khà", "Tổ phó", ""],  # phones not public
        ["3", "Hoàng Văn Páo", "1990", "Công an xã Thượng Lâm", "Thành viên", ""],
        ["4", "Lý Thị Mai", "", "", "Thành viên", ""],
        ["5", "Sùng Mí Lử", "2001", "Nhân viên Viettel Lâm Bình", "Cộng tác viên", "0207 382 212"],
    ]
    everything = " ".join(texts(document)) + " ".join(c.text for row in document.tables[2].rows for c in row.cells)
    assert "Đặng Văn Quẩy" not in everything  # the membership has ended


def test_unit_names_number_date_and_signer(village_team):
    document = read(establishment_decision(village_team, **SIGNED))
    left, right = document.tables[0].rows[0].cells
    assert texts(left) == ["UBND TỈNH TUYÊN QUANG", "ỦY BAN NHÂN DÂN XÃ THƯỢNG LÂM", "Số: 45/QĐ-UBND"]
    assert texts(right) == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                            "Thượng Lâm, ngày 05 tháng 01 năm 2026"]
    body = texts(document)
    assert body[:3] == ["QUYẾT ĐỊNH", "Về việc thành lập Tổ công nghệ số cộng đồng thôn Nà Khà, xã Thượng Lâm",
                        "CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ THƯỢNG LÂM"]
    assert "Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;" in body
    assert ("Căn cứ Kế hoạch số 10/KH-UBND ngày 17/7/2025 của Ủy ban nhân dân tỉnh Tuyên Quang về tổ chức "
            "triển khai Tổ công nghệ số cộng đồng cấp xã, cấp thôn;") in body
    assert "Xét đề nghị của Phòng Văn hóa và Xã hội." in body
    assert "DANH SÁCH THÀNH VIÊN TỔ CÔNG NGHỆ SỐ CỘNG ĐỒNG THÔN NÀ KHÀ, XÃ THƯỢNG LÂM" in body
    assert ("(Kèm theo Quyết định số 45/QĐ-UBND ngày 05/01/2026 của Chủ tịch UBND xã Thượng Lâm)") in body
    signature = document.tables[1].rows[0].cells[1]
    assert texts(signature) == ["CHỦ TỊCH", "Ma Văn Tiến"]
    recipients = texts(document.tables[1].rows[0].cells[0])
    assert recipients[0] == "Nơi nhận:" and recipients[1] == "- Như Điều 3;" and recipients[-1] == "- Lưu: VT, VHXH."


def test_articles_name_the_leader_and_deputy_and_the_tasks(village_team):
    document = read(establishment_decision(village_team, **SIGNED))
    body = texts(document)
    articles = [p for p in document.paragraphs if p.text.startswith("Điều ")]
    assert [p.runs[0].text for p in articles] == ["Điều 1.", "Điều 2.", "Điều 3."]
    assert all(p.runs[0].bold and not p.runs[1].bold for p in articles)
    assert all(p.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY for p in articles)
    assert body[body.index(flat(articles[0].text)) + 1:][:2] == ["- Tổ trưởng: ông Giàng Seo Chứ;",
                                                                 "- Tổ phó: bà Triệu Thị Nhất."]
    assert "(danh sách kèm theo)" in articles[0].text
    tasks = " ".join(body)
    for words in ("Tuyên truyền", "dịch vụ công trực tuyến", "VNeID", "thương mại điện tử",
                  "thanh toán không dùng tiền mặt", "kỹ năng số", "hằng tháng", "trước ngày 30"):
        assert words in tasks
    assert flat(articles[2].text).startswith("Điều 3. Quyết định này có hiệu lực kể từ ngày ký.")
    assert "Trưởng thôn Nà Khà" in articles[2].text and articles[2].text.endswith("./.")


def test_layout_follows_the_decree(village_team):
    document = read(establishment_decision(village_team, **SIGNED))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert [round(m.mm) for m in (section.top_margin, section.bottom_margin, section.left_margin,
                                  section.right_margin)] == [20, 20, 30, 15]
    assert section.different_first_page_header_footer
    assert document.tables[1].rows[0]._tr.trPr.find(qn("w:cantSplit")) is not None
    runs = [run for p in document.paragraphs for run in p.runs]
    assert {run.font.name for run in runs} == {"Times New Roman"}
    motto = document.tables[0].rows[0].cells[1].paragraphs[1]
    assert motto.text == "Độc lập - Tự do - Hạnh phúc" and all(run.bold for run in motto.runs)


def test_a_draft_without_number_date_or_signer(world):
    team = team_propose(unit=world.commune_b)
    document = read(establishment_decision(team))
    left, right = document.tables[0].rows[0].cells
    assert texts(left) == ["UBND TỈNH TUYÊN QUANG", "ỦY BAN NHÂN DÂN PHƯỜNG MINH XUÂN", "Số: /QĐ-UBND"]
    assert any(p.text == "Số:       /QĐ-UBND" for p in left.paragraphs)  # room to write the number
    assert any("Minh Xuân, ngày      tháng      năm" in p.text for p in right.paragraphs)
    body = texts(document)
    assert "Về việc thành lập Tổ công nghệ số cộng đồng phường Minh Xuân" in body
    assert "CHỦ TỊCH ỦY BAN NHÂN DÂN PHƯỜNG MINH XUÂN" in body
    article_1 = next(t for t in body if t.startswith("Điều 1."))
    assert article_1.endswith("(danh sách kèm theo).")  # no leader or deputy yet
    assert texts(document.tables[1].rows[0].cells[1]) == ["CHỦ TỊCH"]
    assert annex_rows(document) == [["STT", "Họ và tên", "Năm sinh", "Chức vụ/nơi công tác", "Vai trò trong tổ",
                                     "Số điện thoại"]]


def test_commune_team_and_a_province_named_with_its_prefix(world):
    world.province.name = "Tỉnh Tuyên Quang"
    world.province.save()
    team = team_propose(unit=world.commune_a)
    membership_start(team=team, person=person(world, "Lý Thị Mai", phone="0912345678"), role=MemberRole.LEADER,
                     start_date=DAY)
    document = read(establishment_decision(team, **SIGNED))
    assert texts(document.tables[0].rows[0].cells[0])[0] == "UBND TỈNH TUYÊN QUANG"
    body = texts(document)
    assert "Về việc thành lập Tổ công nghệ số cộng đồng xã Thượng Lâm" in body
    assert "DANH SÁCH THÀNH VIÊN TỔ CÔNG NGHỆ SỐ CỘNG ĐỒNG XÃ THƯỢNG LÂM" in body
    assert any("Ủy ban nhân dân tỉnh Tuyên Quang về tổ chức" in t for t in body)
    assert "- Tổ trưởng: ông (bà) Lý Thị Mai." in body  # gender unknown
    assert not any("Trưởng thôn" in t for t in body)
    assert annex_rows(document)[1] == ["1", "Lý Thị Mai", "", "", "Tổ trưởng", ""]  # phone not made public


def test_the_decision_is_in_vietnamese_whatever_the_page_language(village_team):
    with translation.override("en"):
        document = read(establishment_decision(village_team, **SIGNED))
    assert texts(document)[0] == "QUYẾT ĐỊNH"
    assert annex_rows(document)[1][4] == "Tổ trưởng"


def test_a_draft_without_a_leader_says_so_to_the_clerk(world):
    team = team_propose(unit=world.commune_a)
    membership_start(team=team, person=person(world, "Nông Thị Hoa", gender=Gender.FEMALE), role=MemberRole.DEPUTY,
                     start_date=DAY)
    body = texts(read(establishment_decision(team)))
    assert "- Tổ phó: bà Nông Thị Hoa." in body
    assert any(t.startswith("[Ghi chú cho văn phòng: Tổ chưa có tổ trưởng") and t.endswith("]") for t in body)


def test_a_draft_with_a_leader_has_no_note(village_team):
    assert not any("Ghi chú" in t for t in texts(read(establishment_decision(village_team))))


def test_a_draft_is_signed_in_the_chairmans_name_with_room_to_sign(world, village_team):
    signature = read(establishment_decision(village_team)).tables[1].rows[0].cells[1]
    lines = [p.text for p in signature.paragraphs]
    assert lines[0] == "CHỦ TỊCH" and lines[-1] == "Ma Văn Tiến"  # world.chairman_a
    assert lines[1:-1] and all(not line.strip() for line in lines[1:-1])  # blank room for the signature


def test_the_plan_is_cited_from_the_provinces_profile(plan, village_team):
    plan.plan_number, plan.plan_date = "25/KH-UBND", datetime.date(2025, 8, 1)
    plan.save()
    body = texts(read(establishment_decision(village_team)))
    assert any(t.startswith("Căn cứ Kế hoạch số 25/KH-UBND ngày 1/8/2025 của Ủy ban nhân dân") for t in body)


def test_the_title_never_cuts_the_team_kind_across_two_lines(world):
    from tests.factories import make_unit
    from tocns.geo.models import UnitKind

    village = make_unit(name="Thôn Khuổi Phầy", kind=UnitKind.THON, parent=world.commune_a)
    document = read(establishment_decision(team_propose(unit=village)))
    summary = next(p for p in document.paragraphs if p.text.startswith("Về việc"))
    lines = summary.text.split("\n")
    assert len(lines) == 2 and lines[0].endswith("Tổ công nghệ số cộng đồng")
    title = next(p for p in document.paragraphs if p.text.startswith("DANH SÁCH"))
    assert not any(line.endswith(("CỘNG", "SỐ CỘNG")) for line in title.text.split("\n"))


def test_the_members_decision_cites_the_plan_signer_and_a_missing_leader(world, village_team):
    from tocns.teams.documents import members_change_decision
    from tocns.teams.selectors import member_changes

    leader = village_team.memberships.active().get(role=MemberRole.LEADER)
    membership_end(membership=leader, end_date=datetime.date(2026, 1, 4), reason="Chuyển công tác")
    document = read(members_change_decision(village_team, member_changes(village_team)))
    body = texts(document)
    assert any(t.startswith("Căn cứ Kế hoạch số 10/KH-UBND ngày 17/7/2025") for t in body)
    assert any(t.startswith("[Ghi chú cho văn phòng: Tổ chưa có tổ trưởng") for t in body)
    assert texts(document.tables[1].rows[0].cells[1]) == ["CHỦ TỊCH", "Ma Văn Tiến"]


def test_the_team_page_says_the_leader_is_missing_before_the_draft_is_downloaded(client, world):
    from ..factories import make_team

    team = make_team(world, members=3, established=False)
    client.force_login(world.officer_a)
    page = client.get(f"/teams/{team.pk}/").content.decode()
    has_leader = team.memberships.active().filter(role=MemberRole.LEADER).exists()
    assert ('id="no-leader"' in page) is (not has_leader)
    team.memberships.active().filter(role=MemberRole.LEADER).update(role=MemberRole.MEMBER)
    assert 'id="no-leader"' in client.get(f"/teams/{team.pk}/").content.decode()
