"""Read queries of geo. A province's profile (tocns.geo.models.ProvinceProfile): how it is named in a sentence,
the plan its documents cite, its portal links. Every province-specific word printed by the app comes
from here, so nothing in code is one province's."""

from django.utils.translation import gettext as _

from tocns.lib.text import fold

from .models import AdminUnit, ProvinceProfile, ProvinceWord

MISSING = "……"  # where the plan's number or date is not yet entered: seen, and filled in by hand


def default_word(province: AdminUnit) -> str:
    """"Thành phố Hà Nội" (as the units data names the centrally run cities) is a thành phố; the rest are tỉnh."""
    return ProvinceWord.THANH_PHO if fold(province.name).startswith("thanh pho ") else ProvinceWord.TINH


def province_profile(province: AdminUnit) -> ProvinceProfile:
    """The saved profile, or an unsaved one with the defaults (named from the unit, no plan, no link)."""
    try:
        return province.profile
    except ProvinceProfile.DoesNotExist:
        return ProvinceProfile(province_id=province.pk, word=default_word(province))


def province_bare_name(province: AdminUnit) -> str:
    """"Thành phố Hà Nội", "Tỉnh Tuyên Quang", "Tuyên Quang" -> "Hà Nội", "Tuyên Quang"."""
    name = " ".join(province.name.split())
    for prefix in ("thanh pho ", "tinh "):
        if fold(name).startswith(prefix):
            return name[len(prefix):]
    return name


def word_text(profile: ProvinceProfile) -> str:
    """"tỉnh" or "thành phố", in the language in force (documents force Vietnamese)."""
    return _("thành phố") if profile.word == ProvinceWord.THANH_PHO else _("tỉnh")


def province_phrase(province: AdminUnit) -> str:
    """The province inside a sentence: "tỉnh Tuyên Quang", "thành phố Hà Nội"."""
    return f"{word_text(province_profile(province))} {province_bare_name(province)}"


def province_word(province: AdminUnit) -> str:
    """"tỉnh" or "thành phố" alone: "trên địa bàn tỉnh", "UBND thành phố (b/c)"."""
    return word_text(province_profile(province))


def plan_date_text(profile: ProvinceProfile) -> str:
    """As plans are cited: "17/7/2025"."""
    day = profile.plan_date
    return f"{day.day}/{day.month}/{day.year}" if day else MISSING


def plan_short(province: AdminUnit) -> str:
    """"Kế hoạch số 10/KH-UBND ngày 17/7/2025"; dots where the number or date is not entered yet."""
    profile = province_profile(province)
    return _("Kế hoạch số %(number)s ngày %(date)s") % {
        "number": profile.plan_number or MISSING, "date": plan_date_text(profile)}


def plan_reference(province: AdminUnit) -> str:
    """The whole citation: "Kế hoạch số 10/KH-UBND ngày 17/7/2025 của Ủy ban nhân dân tỉnh Tuyên Quang
    về tổ chức triển khai Tổ công nghệ số cộng đồng cấp xã, cấp thôn"."""
    profile = province_profile(province)
    return _("%(plan)s của Ủy ban nhân dân %(province)s về %(title)s") % {
        "plan": plan_short(province), "province": province_phrase(province), "title": profile.plan_title}


def portal_links(province: AdminUnit | None) -> list[dict]:
    """The province's portal links ({"name", "url"}), as its admin entered them."""
    if province is None:
        return []
    return [link for link in province_profile(province).portal_links or [] if link.get("url")]
