from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from tocns.accounts.services import national_user_create


class Command(BaseCommand):
    help = ("Tạo tài khoản cấp trung ương (Bộ Khoa học và Công nghệ): xem số liệu tổng hợp của mọi tỉnh, "
            "không xem dữ liệu cá nhân. In mật khẩu tạm (phải đổi ở lần đăng nhập đầu).")

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="Họ và tên")
        parser.add_argument("--phone", default="")
        parser.add_argument("--username", default="", help="tên đăng nhập (mặc định: số điện thoại)")
        parser.add_argument("--email", default="")

    def handle(self, *args, name, phone, username, email, **options):
        try:
            user, password = national_user_create(full_name=name, phone=phone, username=username, email=email)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(f"Đã tạo {user.full_name} ({user.username}), cấp trung ương: xem tại /toan-quoc/.")
        self.stdout.write(f"Mật khẩu tạm: {password}")
