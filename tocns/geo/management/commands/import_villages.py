from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from tocns.geo.models import AdminUnit
from tocns.geo.services import read_village_file, village_rows_apply


class Command(BaseCommand):
    help = (
        "Nhập danh sách thôn, tổ dân phố từ tệp Excel (.xlsx) hoặc CSV: cột xã/phường (mã hoặc tên), "
        "tên thôn, loại (thôn / tổ dân phố), mã (không bắt buộc). Có dòng lỗi thì không ghi gì, "
        "trừ khi dùng --only-valid."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--province", default=settings.DEFAULT_PROVINCE_CODE)
        parser.add_argument("--only-valid", action="store_true",
                            help="Chỉ nhập các dòng hợp lệ, bỏ qua dòng lỗi")

    def handle(self, *args, file, province, only_valid, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Không có tệp {file}.")
        unit = AdminUnit.objects.provinces().filter(code=f"{int(province):02d}").first()
        if unit is None:
            raise CommandError(f"Chưa nạp tỉnh mã {province}: chạy load_units --province {province} trước.")
        try:
            raw = read_village_file(path.read_bytes(), path.name)
            result, rows = village_rows_apply(province=unit, raw_rows=raw, only_valid=only_valid)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        bad = [r for r in rows if r.errors]
        for row in bad:
            self.stderr.write(f"Dòng {row.row}: {' '.join(row.errors)}")
        if bad and not only_valid:
            raise CommandError(f"{len(bad)} dòng lỗi: chưa nhập dòng nào (dùng --only-valid để bỏ qua dòng lỗi).")
        self.stdout.write(
            f"Thêm {result.created}, cập nhật {result.updated}, không đổi {result.unchanged}, "
            f"bỏ qua {result.skipped}."
        )
