"""Register a machine client from a script and print its secret (once), e.g. for the fuzzer:

    manage.py api_client_create --province 08 --name "LGSP" [--commune 02257 ...] [--group units ...]
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from tocns.api.clients import GROUPS
from tocns.api.services import api_client_create
from tocns.geo.models import AdminUnit


class Command(BaseCommand):
    help = "Đăng ký một hệ thống kết nối API (chỉ đọc) và in mã bí mật (chỉ một lần)."

    def add_arguments(self, parser):
        parser.add_argument("--province", required=True, help="Mã tỉnh, ví dụ 08")
        parser.add_argument("--name", required=True)
        parser.add_argument("--commune", action="append", default=[], help="Mã xã (lặp lại được); không có: cả tỉnh")
        parser.add_argument("--group", action="append", choices=sorted(GROUPS),
                            help="Nhóm API (lặp lại được); không có: mọi nhóm")
        parser.add_argument("--per-minute", type=int, default=None)

    def handle(self, *args, **options):
        province = AdminUnit.objects.filter(code=options["province"]).first()
        if province is None:
            raise CommandError(f"Không có tỉnh mã {options['province']}.")
        communes = list(AdminUnit.objects.filter(code__in=options["commune"]))
        if len(communes) != len(set(options["commune"])):
            raise CommandError("Có mã xã không tồn tại.")
        try:
            client, secret = api_client_create(
                province=province, name=options["name"], communes=communes,
                groups=options["group"] or list(GROUPS), per_minute=options["per_minute"])
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stderr.write(f"client {client.pk} ({client.prefix}…), groups {','.join(client.groups)}")
        self.stdout.write(secret)
