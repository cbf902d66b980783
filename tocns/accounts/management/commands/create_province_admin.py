from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from tocns.accounts.services import province_admin_bootstrap
from tocns.geo.models import AdminUnit


class Command(BaseCommand):
    help = "Tạo tài khoản quản trị cấp tỉnh đầu tiên; in mật khẩu tạm (phải đổi ở lần đăng nhập đầu)."

    def add_arguments(self, parser):
        parser.add_argument("--phone", required=True)
        parser.add_argument("--name", required=True, help="Họ và tên")
        parser.add_argument("--province", default=settings.DEFAULT_PROVINCE_CODE)

    def handle(self, *args, phone, name, province, **options):
        unit = AdminUnit.objects.provinces().filter(code=f"{int(province):02d}").first()
        if unit is None:
            raise CommandError(f"Chưa nạp tỉnh mã {province}: chạy load_units --province {province} trước.")
        try:
            user, password = province_admin_bootstrap(full_name=name, phone=phone, province=unit)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(f"Đã tạo {user.full_name} ({user.phone_display}), quản trị {unit.name}.")
        self.stdout.write(f"Mật khẩu tạm: {password}")
