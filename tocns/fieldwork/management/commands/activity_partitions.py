from django.core.management.base import BaseCommand
from django.db import connection

from tocns.fieldwork import partitions


class Command(BaseCommand):
    help = ("Tạo trước các phân vùng theo tháng của nhật ký hoạt động (PostgreSQL): tháng này và --ahead tháng "
            "tới, cùng các tháng đang nằm ở phân vùng mặc định. Chạy lại không tạo thêm gì. Nên chạy hằng ngày.")

    def add_arguments(self, parser):
        parser.add_argument("--ahead", type=int, default=3, help="số tháng tạo trước (mặc định 3)")
        # Autovacuum analyses each partition but never the partitioned table itself, whose statistics
        # the planner uses for queries over every month.
        parser.add_argument("--analyze", action="store_true", help="cập nhật thống kê của cả bảng (ANALYZE)")

    def handle(self, *args, ahead, analyze, **options):
        if not partitions.is_partitioned():
            self.stdout.write("Bảng nhật ký hoạt động không phân vùng (chỉ phân vùng trên PostgreSQL): không làm gì.")
            return
        made = partitions.ensure_partitions(ahead=ahead)
        self.stdout.write(f"Đã tạo {len(made)} phân vùng" + (f": {', '.join(made)}." if made else "."))
        if analyze:
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {partitions.TABLE}")
            self.stdout.write("Đã cập nhật thống kê (ANALYZE).")
        months = [p for p in partitions.partitions() if p.month is not None]
        if months:
            self.stdout.write(f"Hiện có {len(months)} phân vùng theo tháng, "
                              f"từ {months[0].month:%m/%Y} đến {months[-1].month:%m/%Y}, và phân vùng mặc định.")
