from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from tocns.geo.services import units_load_from_package


class Command(BaseCommand):
    help = "Nạp tỉnh và các xã/phường từ gói vietnam-provinces (chạy lại không thay đổi gì)."

    def add_arguments(self, parser):
        parser.add_argument("--province", required=True, help="Mã tỉnh, ví dụ 08 (Tuyên Quang)")

    def handle(self, *args, province, **options):
        try:
            result = units_load_from_package(province_code=province)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(
            f"{result.province.name} ({result.province.code}): thêm {result.created}, "
            f"cập nhật {result.updated}, thôi sử dụng {result.retired}, "
            f"dùng lại {result.reactivated}, không đổi {result.unchanged}."
        )
