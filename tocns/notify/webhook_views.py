"""The addresses Zalo and the SMS gateway call with delivery receipts (no session, no CSRF token:
the signature or the callback's token proves the caller). Thin: `receipts` decides everything,
and nothing here calls out, so the answer comes back well within Zalo's two seconds."""

import logging

from django.http import HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from . import receipts

log = logging.getLogger(__name__)


def _refused(reason: str) -> HttpResponse:
    return HttpResponse(f"{reason}\n", status=403, content_type="text/plain; charset=utf-8")


def _unreadable(reason: str) -> HttpResponse:
    return HttpResponse(f"{reason}\n", status=400, content_type="text/plain; charset=utf-8")


@csrf_exempt
@require_http_methods(["POST"])
def zalo_webhook(request):
    try:
        result = receipts.zalo_receipt(request.body, request.headers.get("X-ZEvent-Signature", ""))
    except receipts.BadSignature as exc:
        log.warning("zalo webhook refused: %s", exc)
        return _refused("bad signature")
    except receipts.BadReceipt as exc:
        log.warning("zalo webhook unreadable: %s", exc)
        return _unreadable("unreadable event")
    return JsonResponse({"ok": True, "result": result})


@csrf_exempt
@require_http_methods(["GET", "POST"])
def sms_receipt(request):
    params = request.GET.copy()
    if request.method == "POST":
        params.update(request.POST)  # a gateway that posts a form; the token may sit in the URL
    try:
        result = receipts.sms_receipt(params)
    except receipts.BadSignature as exc:
        log.warning("sms receipt refused: %s", exc)
        return _refused("bad token")
    except receipts.BadReceipt as exc:
        log.warning("sms receipt unreadable: %s", exc)
        return _unreadable("unreadable receipt")
    return JsonResponse({"ok": True, "result": result})
