"""The services the plan names (II.2.2 a, b, c), each mapped to the indicators it counts toward.
The province edits the catalogue later; this gives a new installation something to log."""

from django.db import migrations

SERVICES = [
    # code, pillar, short name, name, [(indicator, measure)]
    ("dvc-truc-tuyen", "government", "Dịch vụ công", "Dịch vụ công trực tuyến (khai sinh, cư trú, cấp giấy tờ…)",
     [("CQ02", "people")]),
    ("cong-dvc-quoc-gia", "government", "Cổng DVC quốc gia", "Cổng dịch vụ công quốc gia", [("CQ03", "people")]),
    ("app-chinh-quyen-so", "government", "App chính quyền số", "Ứng dụng chính quyền số của tỉnh",
     [("CQ03", "people")]),
    ("vneid", "government", "VNeID", "Định danh điện tử VNeID, kích hoạt mức 2", [("CQ01", "people")]),
    ("vssid", "society", "VssID", "Ứng dụng bảo hiểm xã hội số VssID", [("XH03", "people")]),
    ("san-tmdt", "economy", "Sàn TMĐT", "Sàn thương mại điện tử (voso.vn, postmart.vn, tiki.vn, shopee.vn…)",
     [("KT01", "households")]),
    ("gian-hang-so", "economy", "Gian hàng số", "Gian hàng số cho doanh nghiệp, hợp tác xã, hộ kinh doanh",
     [("KT01", "households")]),
    ("tai-khoan-thanh-toan", "economy", "Tài khoản thanh toán", "Tài khoản thanh toán điện tử",
     [("KT03", "people")]),
    ("vi-dien-tu", "economy", "Ví điện tử", "Ví điện tử", [("KT03", "people")]),
    ("thanh-toan-qr", "economy", "Thanh toán QR", "Thanh toán bằng mã QR", [("KT04", "households")]),
    ("ocop", "economy", "Sản phẩm OCOP", "Sản phẩm OCOP, sản phẩm địa phương lên nền tảng số",
     [("KT02", "activities")]),
    ("truy-xuat-nguon-goc", "economy", "Truy xuất nguồn gốc", "Truy xuất nguồn gốc sản phẩm",
     [("KT05", "households")]),
    ("nong-nghiep-thong-minh", "economy", "Nông nghiệp thông minh", "Sản xuất nông nghiệp thông minh",
     [("KT05", "households")]),
    ("so-suc-khoe", "society", "Sổ sức khỏe", "Sổ sức khỏe điện tử", [("XH01", "people")]),
    ("kham-tu-xa", "society", "Đặt khám từ xa", "Đăng ký khám bệnh từ xa", [("XH01", "people")]),
    ("tiem-chung", "society", "Tiêm chủng", "Quản lý tiêm chủng", [("XH01", "people")]),
    ("giao-duc", "society", "Giáo dục, tuyển sinh", "Ứng dụng giáo dục, tuyển sinh đầu cấp trực tuyến",
     [("XH02", "people")]),
    ("canh-bao-thien-tai", "society", "Cảnh báo thiên tai", "Ứng dụng cảnh báo thiên tai, phòng chống dịch bệnh",
     [("XH04", "people")]),
    ("ngan-hang-so", "society", "Ngân hàng số", "Ứng dụng ngân hàng số", [("XH04", "people")]),
    ("mang-xa-hoi-an-toan", "society", "Mạng xã hội an toàn", "Sử dụng mạng xã hội an toàn", [("XH04", "people")]),
    ("binh-dan-hoc-vu-so", "society", "Bình dân học vụ số", "Tự học trên nền tảng Bình dân học vụ số",
     [("TT03", "people")]),
    ("cong-thong-tin-tinh", "government", "Cổng TTĐT, du lịch tỉnh",
     "Cổng thông tin điện tử tỉnh, cổng và ứng dụng du lịch Tuyen Quang Tourism", []),
]


def load(apps, schema_editor):
    Service = apps.get_model("fieldwork", "Service")
    ServiceIndicator = apps.get_model("fieldwork", "ServiceIndicator")
    Indicator = apps.get_model("reports", "Indicator")
    for order, (code, pillar, short, name, counts) in enumerate(SERVICES):
        service, _ = Service.objects.update_or_create(code=code, defaults={
            "pillar": pillar, "short_name": short, "name": name, "order": order * 10})
        for indicator_code, measure in counts:
            indicator = Indicator.objects.filter(code=indicator_code).first()
            if indicator is not None:
                ServiceIndicator.objects.update_or_create(service=service, indicator=indicator,
                                                          defaults={"measure": measure})


class Migration(migrations.Migration):
    dependencies = [("fieldwork", "0001_services_and_activities"), ("reports", "0002_starting_catalogue")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
