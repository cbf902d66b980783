from django.core.management.base import BaseCommand

from tocns.fieldwork.tallies import tally_rebuild


class Command(BaseCommand):
    help = "Tính lại bảng tổng hợp nhật ký theo thôn, tháng và lĩnh vực (sau khi nhập dữ liệu hàng loạt)."

    def handle(self, *args, **options):
        self.stdout.write(f"Đã tính lại {tally_rebuild()} dòng tổng hợp.")
