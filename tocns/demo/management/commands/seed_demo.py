from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from tocns.demo.seed import DEMO_PASSWORD, SIZES, demo_logins, seed_demo
from tocns.geo.models import AdminUnit
from tocns.lib.sheets import csv_bytes


class Command(BaseCommand):
    help = ("Tạo dữ liệu mẫu (đánh dấu «Mẫu»): thôn cho mọi xã, tài khoản cho từng vai trò, tổ công nghệ số "
            "cộng đồng với thành viên, quyết định thành lập và vài đơn chờ duyệt. Chạy lại không tạo trùng. "
            "In tiến độ từng bước, một tài khoản cho mỗi vai trò, và ghi mọi tài khoản mẫu vào "
            "var/demo-logins.csv.")

    def add_arguments(self, parser):
        parser.add_argument("--province", default=settings.DEFAULT_PROVINCE_CODE)
        parser.add_argument("--size", choices=sorted(SIZES), default="default",
                            help="small: 4 thôn/xã (kiểm thử); default: 30; province: 31 và dữ liệu "
                                 "lớn cho benchmark")
        parser.add_argument("--logins-csv", default=None,
                            help="nơi ghi danh sách mọi tài khoản mẫu (mặc định var/demo-logins.csv; "
                                 "chuỗi rỗng: không ghi)")

    def say(self, text: str) -> None:
        self.stdout.write(text)
        self.stdout.flush()

    def handle(self, *args, province, size, logins_csv, **options):
        self.say(f"Dữ liệu mẫu (cỡ {size}), từng bước:")
        result = seed_demo(province_code=province, size=size, progress=lambda text: self.say(f"  {text}"))
        teams, totals = result.teams, result.totals
        self.say(f"Hiện có {totals['teams']} tổ, {totals['memberships']} thành viên đang tham gia, "
                 f"{totals['applications']} đơn chờ duyệt, {totals['reports']} báo cáo tháng, "
                 f"{totals['activities']} hoạt động, {totals['courses']} khóa tập huấn "
                 f"(lần này thêm {result.villages} thôn, {teams.teams} tổ).")
        self.say("")
        self.say(f"Tài khoản mẫu, mỗi vai trò một (mật khẩu chung: {DEMO_PASSWORD}; đăng nhập bằng số điện "
                 "thoại hoặc tên đăng nhập):")
        shown, seen = [], set()
        for login in result.logins:
            if login.role not in seen:
                seen.add(login.role)
                shown.append(login)
        width = max(len(login.role) for login in shown)
        user_width = max(len(login.username) for login in shown)
        for login in shown:
            self.say(f"  {login.role:<{width}}  {login.username:<{user_width}}  {login.phone:<13}  "
                     f"{login.name} – {login.unit}")
        path = settings.DEMO_LOGINS_CSV if logins_csv is None else logins_csv
        if path:
            code = f"{int(province):02d}"
            every = demo_logins(AdminUnit.objects.provinces().get(code=code))
            path = Path(path)
            path.parent.mkdir(parents=True, exist_ok=True)
            # Through the app's one CSV writer (UTF-8 with the BOM Excel needs, cells made safe).
            path.write_bytes(csv_bytes([["role", "unit", "name", "phone", "username"],
                                        *([login.role, login.unit, login.name, login.phone, login.username]
                                          for login in every)]))
            self.say(f"Danh sách đầy đủ ({len(every)} tài khoản): {path}")
