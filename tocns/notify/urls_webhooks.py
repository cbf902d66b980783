"""Delivery receipts from the providers, under /api/v1/notify/ (outside the ninja API: no session
or API token, the caller proves itself by a signature or the callback's token)."""

from django.urls import path

from . import webhook_views

app_name = "notify_webhooks"

urlpatterns = [
    path("zalo", webhook_views.zalo_webhook, name="zalo"),
    path("sms", webhook_views.sms_receipt, name="sms"),
]
