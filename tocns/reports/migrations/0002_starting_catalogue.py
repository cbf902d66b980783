"""The starting indicator catalogue and report forms (issue #4). The province edits all of it
later in the app; this only gives a new installation something to report on."""

from django.db import migrations

COUNTS = [
    # code, pillar, unit, name
    ("TT01", "outreach", "buổi", "Số buổi tuyên truyền về chuyển đổi số đã tổ chức"),
    ("TT02", "outreach", "người", "Số người được tuyên truyền"),
    ("TT03", "outreach", "người", "Số người được hướng dẫn tự học trên nền tảng Bình dân học vụ số"),
    ("CQ01", "government", "người", "Số người được hướng dẫn cài đặt, kích hoạt định danh điện tử VNeID mức 2"),
    ("CQ02", "government", "hồ sơ",
     "Số hồ sơ dịch vụ công trực tuyến được hỗ trợ (đăng ký khai sinh, cư trú, chứng thực…)"),
    ("CQ03", "government", "người",
     "Số người được hướng dẫn dùng Cổng dịch vụ công quốc gia hoặc ứng dụng chính quyền số của tỉnh"),
    ("CQ04", "government", "ý kiến", "Số ý kiến, phản ánh của người dân đã tiếp nhận và chuyển đi"),
    ("KT01", "economy", "hộ",
     "Số doanh nghiệp, hợp tác xã, hộ kinh doanh được hỗ trợ lên sàn thương mại điện tử hoặc mở gian hàng số"),
    ("KT02", "economy", "sản phẩm", "Số sản phẩm OCOP, sản phẩm địa phương được đưa lên nền tảng số"),
    ("KT03", "economy", "người", "Số người được hướng dẫn mở tài khoản thanh toán hoặc ví điện tử"),
    ("KT04", "economy", "hộ", "Số doanh nghiệp, hộ kinh doanh được hướng dẫn thanh toán bằng mã QR"),
    ("KT05", "economy", "hộ", "Số hộ sản xuất được hướng dẫn truy xuất nguồn gốc, nông nghiệp thông minh"),
    ("XH01", "society", "người",
     "Số người được hướng dẫn dùng ứng dụng y tế (sổ sức khỏe điện tử, đặt lịch khám từ xa, tiêm chủng)"),
    ("XH02", "society", "người", "Số người được hướng dẫn dùng ứng dụng giáo dục, tuyển sinh trực tuyến"),
    ("XH03", "society", "người", "Số người được hướng dẫn dùng ứng dụng VssID"),
    ("XH04", "society", "người",
     "Số người được hướng dẫn dùng ngân hàng số, mạng xã hội an toàn hoặc ứng dụng cảnh báo thiên tai"),
    ("TO01", "team", "người", "Số thành viên tổ được tập huấn trong kỳ"),
]

SHARES = [
    # code, name, count name, count unit, base name, base unit
    ("HT01", "Tỷ lệ người trưởng thành có điện thoại thông minh",
     "Số người trưởng thành có điện thoại thông minh", "người", "Số người trưởng thành", "người"),
    ("HT02", "Tỷ lệ hộ gia đình có internet cáp quang",
     "Số hộ có internet cáp quang", "hộ", "Tổng số hộ", "hộ"),
    ("HT03", "Tỷ lệ người từ 15 tuổi có tài khoản thanh toán",
     "Số người từ 15 tuổi có tài khoản thanh toán", "người", "Số người từ 15 tuổi", "người"),
    ("HT04", "Tỷ lệ người trưởng thành có định danh điện tử VNeID mức 2",
     "Số người trưởng thành có VNeID mức 2", "người", "Số người trưởng thành", "người"),
    ("HT05", "Tỷ lệ hồ sơ được giải quyết trực tuyến toàn trình",
     "Số hồ sơ giải quyết trực tuyến toàn trình", "hồ sơ", "Tổng số hồ sơ", "hồ sơ"),
]

FORMS = [
    # code, name, level, period type, due day, counts, shares
    ("THANG-THON", "Báo cáo tháng của Tổ công nghệ số cộng đồng thôn, tổ dân phố", "village_team", "month", 29,
     True, False),
    ("THANG-XA", "Báo cáo tháng của Tổ công nghệ số cộng đồng cấp xã", "commune_team", "month", 29, True, True),
    ("QUY-XA", "Báo cáo quý của UBND xã, phường về Tổ công nghệ số cộng đồng", "commune", "quarter", 20, True, True),
    ("NAM-XA", "Báo cáo năm của UBND xã, phường về Tổ công nghệ số cộng đồng", "commune", "year", 15, True, True),
    ("DOT-XUAT-XA", "Báo cáo đột xuất của UBND xã, phường", "commune", "once", 29, True, True),
]


def load(apps, schema_editor):
    Indicator = apps.get_model("reports", "Indicator")
    ReportForm = apps.get_model("reports", "ReportForm")
    FormIndicator = apps.get_model("reports", "FormIndicator")
    order = 0
    counts = []
    for code, pillar, unit, name in COUNTS:
        order += 10
        counts.append(Indicator.objects.update_or_create(code=code, defaults={
            "name": name, "pillar": pillar, "unit_of_measure": unit, "value_type": "integer",
            "aggregation": "sum", "order": order, "min_value": 0})[0])
    shares = []
    for code, name, count_name, count_unit, base_name, base_unit in SHARES:
        order += 10
        count = Indicator.objects.update_or_create(code=f"{code}.SO", defaults={
            "name": count_name, "pillar": "infrastructure", "unit_of_measure": count_unit, "value_type": "integer",
            "aggregation": "latest", "order": order, "min_value": 0,
            "description": "Số tại thời điểm cuối kỳ."})[0]
        base = Indicator.objects.update_or_create(code=f"{code}.TONG", defaults={
            "name": base_name, "pillar": "infrastructure", "unit_of_measure": base_unit, "value_type": "integer",
            "aggregation": "latest", "order": order + 1, "min_value": 0,
            "description": "Số tại thời điểm cuối kỳ."})[0]
        ratio = Indicator.objects.update_or_create(code=code, defaults={
            "name": name, "pillar": "infrastructure", "unit_of_measure": "%", "value_type": "percent",
            "aggregation": "ratio", "numerator": count, "denominator": base, "order": order + 2,
            "min_value": 0, "max_value": 100})[0]
        shares.append((count, base, ratio))
    for code, name, level, period_type, due_day, with_counts, with_shares in FORMS:
        form, _ = ReportForm.objects.update_or_create(code=code, defaults={
            "name": name, "level": level, "period_type": period_type, "due_day": due_day,
            "close_after_days": 60 if period_type == "month" else None})
        lines = list(counts) if with_counts else []
        if with_shares:
            lines += [indicator for trio in shares for indicator in trio[:2]]
        for position, indicator in enumerate(lines):
            FormIndicator.objects.update_or_create(form=form, indicator=indicator,
                                                   defaults={"order": position})


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_indicators_forms_reports_targets")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
