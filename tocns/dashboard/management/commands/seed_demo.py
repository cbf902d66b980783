from django.conf import settings
from django.core.management.base import BaseCommand

from tocns.dashboard.demo import DEMO_PASSWORD, SIZES, seed_demo


class Command(BaseCommand):
    help = ("Tạo dữ liệu mẫu (đánh dấu «Mẫu»): thôn cho mọi xã, tài khoản cho từng vai trò, tổ công nghệ số "
            "cộng đồng với thành viên, quyết định thành lập và vài đơn chờ duyệt. Chạy lại không tạo trùng.")

    def add_arguments(self, parser):
        parser.add_argument("--province", default=settings.DEFAULT_PROVINCE_CODE)
        parser.add_argument("--size", choices=sorted(SIZES), default="default",
                            help="small: 4 thôn/xã (kiểm thử); default: 30; province: 31 và dữ liệu "
                                 "lớn cho benchmark")

    def handle(self, *args, province, size, **options):
        result = seed_demo(province_code=province, size=size)
        teams, totals = result.teams, result.totals
        self.stdout.write(f"Dữ liệu mẫu: thêm {result.villages} thôn, tổ dân phố.")
        self.stdout.write(
            f"Tổ mẫu: thêm {teams.teams} tổ, {teams.memberships} lượt thành viên, {teams.applications} đơn, "
            f"{teams.leader_accounts} tài khoản tổ trưởng (hiện có {totals['teams']} tổ, "
            f"{totals['memberships']} thành viên đang tham gia, {totals['applications']} đơn chờ duyệt, "
            f"{totals['leader_accounts']} tổ trưởng có tài khoản).")
        reports = result.reports
        months = f"{reports.months[0]} đến {reports.months[-1]}" if reports.months else ""
        self.stdout.write(
            f"Báo cáo mẫu ({months}): thêm {reports.reports} báo cáo tháng, {reports.quarterly} báo cáo quý, "
            f"{reports.values} số liệu, {reports.events} lượt xử lý, {reports.targets} chỉ tiêu (hiện có "
            f"{totals['reports']} báo cáo tháng, {totals['quarterly']} báo cáo quý, {totals['values']} số liệu, "
            f"{totals['targets']} chỉ tiêu).")
        fieldwork = result.fieldwork
        self.stdout.write(
            f"Nhật ký mẫu: thêm {fieldwork.activities} hoạt động, {fieldwork.links} lượt dịch vụ (hiện có "
            f"{totals['activities']} hoạt động, {totals['activity_links']} lượt dịch vụ).")
        citizen = result.citizen
        self.stdout.write(
            f"Ý kiến và khảo sát mẫu: thêm {citizen.feedback} ý kiến, {citizen.surveys} khảo sát, {citizen.answers} "
            f"phiếu trả lời (hiện có {totals['feedback']} ý kiến, {totals['open_feedback']} đang xử lý, "
            f"{totals['survey_answers']} phiếu).")
        training = result.training
        self.stdout.write(
            f"Tập huấn mẫu: thêm {training.courses} khóa, {training.sessions} buổi, {training.invitations} lượt mời, "
            f"{training.attendance} lượt điểm danh, {training.guides} tài liệu hướng dẫn, {training.public_phones} "
            f"thành viên công khai số điện thoại (hiện có {totals['courses']} khóa, {totals['trained_people']} "
            f"thành viên đã được tập huấn).")
        self.stdout.write("")
        self.stdout.write(f"Tài khoản mẫu (mật khẩu chung: {DEMO_PASSWORD}) — đăng nhập bằng số điện thoại "
                          "hoặc tên đăng nhập:")
        logins = result.logins
        width = max(len(login.role) for login in logins)
        for login in logins:
            self.stdout.write(f"  {login.role:<{width}}  {login.phone:<13}  {login.username:<26}  "
                              f"{login.name} – {login.unit}")
