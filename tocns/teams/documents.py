"""Word documents about a team: the chairman's decision establishing it, with its member list.

Always in Vietnamese, whatever language the page is shown in: these are the state's documents."""

import unicodedata
from datetime import date

from django.utils import translation
from django.utils.translation import gettext as _

from tocns.geo.models import AdminUnit, UnitKind
from tocns.geo.selectors import plan_reference, province_phrase
from tocns.lib.officialdoc import Annex, OfficialDocument, numeric_date, render_docx
from tocns.lib.text import fold

from .choices import DecisionKind, Gender, MemberRole
from .models import Membership, Team
from .selectors import commune_chairman_name

ROLE_ORDER = {MemberRole.LEADER: 0, MemberRole.DEPUTY: 1, MemberRole.MEMBER: 2, MemberRole.COLLABORATOR: 3}
# Column widths of the member list, adding up to the 16.5 cm of text width.
MEMBER_COLUMNS_CM = (1.3, 3.6, 1.6, 4.0, 3.0, 3.0)
# Never cut between two lines of a title: "Tổ công nghệ số cộng / đồng" reads badly.
TEAM_KIND = "Tổ công nghệ số cộng đồng"


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", " ".join(str(text).split()))


def bare_name(unit: AdminUnit) -> str:
    """The unit's name without its kind: "Xã Thượng Lâm" -> "Thượng Lâm"."""
    name, label = _nfc(unit.name), _nfc(unit.get_kind_display())
    if fold(name).startswith(fold(label) + " "):
        return name[len(label) + 1:]
    return name


def full_name(unit: AdminUnit) -> str:
    """The unit's name with its kind, as a heading writes it: "Xã Thượng Lâm", "Phường Minh Xuân"."""
    return f"{unit.get_kind_display()} {bare_name(unit)}"


def name_in_text(unit: AdminUnit) -> str:
    """The name inside a sentence, kind in lower case: "xã Thượng Lâm", "thôn Nà Khà"."""
    return f"{unit.get_kind_display().lower()} {bare_name(unit)}"


def province_name(province: AdminUnit) -> str:
    """The province in a sentence, as its profile says: "tỉnh Tuyên Quang", "thành phố Hà Nội"."""
    return _nfc(province_phrase(province))


def committee_name(commune: AdminUnit) -> str:
    """The commune's People's Committee: "ỦY BAN NHÂN DÂN XÃ THƯỢNG LÂM"."""
    return _("ỦY BAN NHÂN DÂN %(unit)s") % {"unit": full_name(commune).upper()}


def team_name(team: Team) -> str:
    """The team's official name: "Tổ công nghệ số cộng đồng xã Thượng Lâm" or
    "Tổ công nghệ số cộng đồng thôn Nà Khà, xã Thượng Lâm"."""
    if team.unit.is_commune:
        return _("Tổ công nghệ số cộng đồng %(commune)s") % {"commune": name_in_text(team.commune)}
    return _("Tổ công nghệ số cộng đồng %(village)s, %(commune)s") % {
        "village": name_in_text(team.unit), "commune": name_in_text(team.commune)}


def annex_memberships(team: Team) -> list[Membership]:
    """Active memberships: leader, deputy, members, collaborators, each group in the order they joined."""
    memberships = team.memberships.active().select_related("person")
    return sorted(memberships, key=lambda m: (ROLE_ORDER.get(m.role, len(ROLE_ORDER)), m.start_date, m.pk))


def _honorific(person) -> str:
    if person.gender == Gender.MALE:
        return _("ông")
    if person.gender == Gender.FEMALE:
        return _("bà")
    return _("ông (bà)")


def _village_head(village: AdminUnit) -> str:
    if village.kind == UnitKind.TO_DAN_PHO:
        return _("Tổ trưởng %(unit)s") % {"unit": name_in_text(village)}
    return _("Trưởng %(unit)s") % {"unit": name_in_text(village)}


def plan_line(province: AdminUnit) -> str:
    """The preamble's citation of the province's plan, from its profile (number, date, title):
    "Căn cứ Kế hoạch số 10/KH-UBND ngày 17/7/2025 của Ủy ban nhân dân tỉnh Tuyên Quang về …;"."""
    return _("Căn cứ %(plan)s;") % {"plan": _nfc(plan_reference(province))}


def missing_leader_note() -> str:
    """A note for the clerk, in brackets, where a draft names no leader: to settle before signing."""
    return _("[Ghi chú cho văn phòng: Tổ chưa có tổ trưởng; đề nghị bổ sung tổ trưởng trước khi trình ký, "
             "rồi xóa ghi chú này.]")


def establishment_decision(team: Team, *, number: str = "", signed_on: date | None = None,
                           signer_name: str = "") -> bytes:
    """The chairman's decision establishing `team`, with its active members listed in an annex.

    Without a number or date it is a draft: blanks are left to fill in by hand once it is signed."""
    with translation.override("vi"):
        return render_docx(establishment_document(team, number=number, signed_on=signed_on,
                                                  signer_name=signer_name))


def establishment_document(team: Team, *, number: str = "", signed_on: date | None = None,
                           signer_name: str = "") -> OfficialDocument:
    commune, province = team.commune, team.province
    commune_kind = commune.get_kind_display().lower()  # "xã", "phường", "đặc khu"
    number = number.strip() or _("%(blank)s/QĐ-UBND") % {"blank": " " * 6}
    name = team_name(team)
    memberships = annex_memberships(team)
    leader = next((m.person for m in memberships if m.role == MemberRole.LEADER), None)
    deputy = next((m.person for m in memberships if m.role == MemberRole.DEPUTY), None)

    heads = [f"- {label}: {_honorific(person)} {person.full_name}"
             for label, person in ((_("Tổ trưởng"), leader), (_("Tổ phó"), deputy)) if person]
    article_1 = _("Điều 1. Thành lập %(team)s (sau đây gọi tắt là Tổ) gồm các thành viên "
                  "(danh sách kèm theo)") % {"team": name}
    article_1 += _(", trong đó:") if heads else "."
    heads = [line + (";" if i < len(heads) - 1 else ".") for i, line in enumerate(heads)]
    if leader is None:
        heads.append(missing_leader_note())

    carried_out_by = [
        _("Chánh Văn phòng Hội đồng nhân dân và Ủy ban nhân dân %(kind)s") % {"kind": commune_kind},
        _("Trưởng phòng Văn hóa và Xã hội"),
    ]
    if not team.unit.is_commune:
        carried_out_by.append(_village_head(team.unit))
    article_3 = _("Điều 3. Quyết định này có hiệu lực kể từ ngày ký. %(people)s và các ông (bà) có tên tại "
                  "Điều 1 chịu trách nhiệm thi hành Quyết định này./.") % {"people": ", ".join(carried_out_by)}

    committee = committee_name(commune)
    # A phone is printed only where its owner made it public: the annex is posted and handed round.
    rows = [[str(index), m.person.full_name, str(m.person.birth_year or ""), m.person.workplace,
             m.get_role_display(), m.person.phone_display if m.person.phone_public else ""]
            for index, m in enumerate(memberships, start=1)]
    return OfficialDocument(
        parent_agency=_("UBND %(province)s") % {"province": province_name(province).upper()},
        issuing_agency=committee,
        number=number,
        place=bare_name(commune),
        signed_on=signed_on,
        doc_type=_("QUYẾT ĐỊNH"),
        summary=_("Về việc thành lập %(team)s") % {"team": name},
        authority=_("CHỦ TỊCH %(committee)s") % {"committee": committee},
        preamble=[
            _("Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;"),
            plan_line(province),
            _("Xét đề nghị của Phòng Văn hóa và Xã hội."),
        ],
        decision_line=_("QUYẾT ĐỊNH:"),
        body=[
            article_1,
            *heads,
            _("Điều 2. Tổ có nhiệm vụ:"),
            _("1. Tuyên truyền, phổ biến đến người dân về chuyển đổi số và lợi ích của các dịch vụ số."),
            _("2. Hướng dẫn, hỗ trợ người dân sử dụng dịch vụ công trực tuyến, ứng dụng định danh điện tử "
              "VNeID, thương mại điện tử và thanh toán không dùng tiền mặt."),
            _("3. Hướng dẫn người dân kỹ năng số cơ bản, sử dụng an toàn các nền tảng số."),
            _("4. Báo cáo kết quả hoạt động hằng tháng về Ủy ban nhân dân %(kind)s (qua Phòng Văn hóa và "
              "Xã hội) trước ngày 30.") % {"kind": commune_kind},
            article_3,
        ],
        # The chairman decides in his own name ("CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ …" above the preamble),
        # so he signs as "CHỦ TỊCH" alone; "TM. ỦY BAN NHÂN DÂN" is for decisions of the committee.
        signer_title=_("CHỦ TỊCH"),
        signer_name=signer_name.strip() or commune_chairman_name(commune),
        recipients=[
            _("- Như Điều 3;"),
            _("- TT Đảng ủy, HĐND %(kind)s (b/c);") % {"kind": commune_kind},
            _("- Chủ tịch, các PCT UBND %(kind)s;") % {"kind": commune_kind},
            _("- Lưu: VT, VHXH."),
        ],
        annex=Annex(
            title=_("Danh sách thành viên\n%(team)s") % {"team": name},
            subtitle=_("(Kèm theo Quyết định số %(number)s ngày %(date)s\ncủa Chủ tịch UBND %(commune)s)") % {
                "number": number, "date": numeric_date(signed_on), "commune": name_in_text(commune)},
            headers=[_("STT"), _("Họ và tên"), _("Năm sinh"), _("Chức vụ/nơi công tác"), _("Vai trò trong tổ"),
                     _("Số điện thoại")],
            rows=rows,
            column_widths_cm=MEMBER_COLUMNS_CM,
            centred_columns=(0, 2, 5),
        ),
        core_title=_("Quyết định thành lập %(team)s") % {"team": name},
        keep_together=[TEAM_KIND],
    )


# Columns of the "kiện toàn" annex: STT, name, birth year, post or workplace, change, role or reason.
CHANGE_COLUMNS_CM = (1.2, 3.6, 1.5, 3.8, 2.6, 3.8)


def _last_decision_line(team: Team) -> str:
    last = team.decisions.filter(kind__in=[DecisionKind.ESTABLISH, DecisionKind.MEMBERS]).order_by(
        "-signed_on", "-id").first()
    if last is None:
        return ""
    what = _("thành lập") if last.kind == DecisionKind.ESTABLISH else _("kiện toàn")
    return _("Căn cứ Quyết định số %(number)s ngày %(date)s của Chủ tịch Ủy ban nhân dân %(commune)s về việc "
             "%(what)s %(team)s;") % {"number": last.number, "date": numeric_date(last.signed_on),
                                      "commune": name_in_text(team.commune), "what": what, "team": team_name(team)}


def _who(person) -> str:
    return f"{_honorific(person)} {person.full_name}"


def _has_leader(team: Team) -> bool:
    """Whether the team has a leader once the changes of the "kiện toàn" decision apply (they are
    recorded as memberships before the decision is drafted)."""
    return team.memberships.active().filter(role=MemberRole.LEADER).exists()


def members_change_decision(team: Team, changes) -> bytes:
    """The chairman's "kiện toàn" decision: who joins (name, role) and who leaves (name, reason) since
    the team's last decision (`changes`, a selectors.MemberChanges), as a draft to sign."""
    with translation.override("vi"):
        return render_docx(members_change_document(team, changes))


def members_change_document(team: Team, changes) -> OfficialDocument:
    commune, province = team.commune, team.province
    commune_kind = commune.get_kind_display().lower()
    number = _("%(blank)s/QĐ-UBND") % {"blank": " " * 6}
    name = team_name(team)
    body = [_("Điều 1. Kiện toàn %(team)s (sau đây gọi tắt là Tổ) như sau:") % {"team": name}]
    rows, part = [], 0
    joins, leaves, moves = changes.only_joins, changes.only_leaves, changes.role_changes
    if joins:
        part += 1
        body.append(_("%(n)s. Bổ sung thành viên Tổ:") % {"n": part})
        body += [_("- %(who)s, %(role)s;") % {"who": _who(m.person), "role": m.get_role_display().lower()}
                 for m in joins]
    if moves:
        part += 1
        body.append(_("%(n)s. Điều chỉnh vai trò trong Tổ:") % {"n": part})
        body += [_("- %(who)s, từ %(old)s thành %(new)s;") % {
            "who": _who(new.person), "old": old.get_role_display().lower(), "new": new.get_role_display().lower()}
            for old, new in moves]
    if leaves:
        part += 1
        body.append(_("%(n)s. Thôi tham gia Tổ:") % {"n": part})
        body += [_("- %(who)s, %(role)s%(reason)s;") % {
            "who": _who(m.person), "role": m.get_role_display().lower(),
            "reason": _(" (lý do: %(reason)s)") % {"reason": m.end_reason.strip().rstrip(".")} if m.end_reason.strip()
            else ""} for m in leaves]
    body[-1] = body[-1].rstrip(";") + "."
    if not _has_leader(team):
        body.append(missing_leader_note())
    for m in joins:
        rows.append([m.person, _("Bổ sung"), m.get_role_display()])
    for old, new in moves:
        rows.append([new.person, _("Điều chỉnh vai trò"), _("%(old)s → %(new)s") % {
            "old": old.get_role_display(), "new": new.get_role_display()}])
    for m in leaves:
        rows.append([m.person, _("Thôi tham gia"), m.end_reason or m.get_role_display()])
    carried_out_by = [
        _("Chánh Văn phòng Hội đồng nhân dân và Ủy ban nhân dân %(kind)s") % {"kind": commune_kind},
        _("Trưởng phòng Văn hóa và Xã hội"),
    ]
    if not team.unit.is_commune:
        carried_out_by.append(_village_head(team.unit))
    body += [
        _("Điều 2. Các thành viên Tổ thực hiện nhiệm vụ theo quyết định thành lập Tổ; các nội dung khác của "
          "quyết định đó giữ nguyên hiệu lực. Danh sách thay đổi thành viên kèm theo Quyết định này."),
        _("Điều 3. Quyết định này có hiệu lực kể từ ngày ký. %(people)s, Tổ công nghệ số cộng đồng và các ông "
          "(bà) có tên tại Điều 1 chịu trách nhiệm thi hành Quyết định này./.") % {"people": ", ".join(carried_out_by)},
    ]
    preamble = [
        _("Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;"),
        plan_line(province),
    ]
    last = _last_decision_line(team)
    if last:
        preamble.append(last)
    preamble.append(_("Xét đề nghị của Phòng Văn hóa và Xã hội."))
    committee = committee_name(commune)
    table = [[str(index), person.full_name, str(person.birth_year or ""), person.workplace, change, detail]
             for index, (person, change, detail) in enumerate(rows, start=1)]
    return OfficialDocument(
        parent_agency=_("UBND %(province)s") % {"province": province_name(province).upper()},
        issuing_agency=committee,
        number=number,
        place=bare_name(commune),
        signed_on=None,
        doc_type=_("QUYẾT ĐỊNH"),
        summary=_("Về việc kiện toàn %(team)s") % {"team": name},
        authority=_("CHỦ TỊCH %(committee)s") % {"committee": committee},
        preamble=preamble,
        decision_line=_("QUYẾT ĐỊNH:"),
        body=body,
        signer_title=_("CHỦ TỊCH"),
        signer_name=commune_chairman_name(commune),
        recipients=[
            _("- Như Điều 3;"),
            _("- Chủ tịch, các PCT UBND %(kind)s;") % {"kind": commune_kind},
            _("- Lưu: VT, VHXH."),
        ],
        annex=Annex(
            title=_("Danh sách thay đổi thành viên\n%(team)s") % {"team": name},
            subtitle=_("(Kèm theo Quyết định số %(number)s ngày %(date)s\ncủa Chủ tịch UBND %(commune)s)") % {
                "number": number, "date": numeric_date(None), "commune": name_in_text(commune)},
            headers=[_("STT"), _("Họ và tên"), _("Năm sinh"), _("Chức vụ/nơi công tác"), _("Nội dung"),
                     _("Vai trò, lý do")],
            rows=table,
            column_widths_cm=CHANGE_COLUMNS_CM,
            centred_columns=(0, 2),
        ),
        core_title=_("Quyết định kiện toàn %(team)s") % {"team": name},
        keep_together=[TEAM_KIND],
    )
