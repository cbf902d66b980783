from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from tocns.api.api import api
from tocns.dashboard.views.home import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("accounts/ma-truy-cap/", include("tocns.api.urls")),
    path("accounts/", include("tocns.accounts.urls")),
    path("teams/", include("tocns.teams.urls")),
    path("reports/settings/", include("tocns.reports.urls_settings")),
    path("reports/", include("tocns.reports.urls")),
    path("nhat-ky/", include("tocns.fieldwork.urls")),
    path("tap-huan/", include("tocns.training.urls")),
    path("quy-che/", include("tocns.regulations.urls")),
    path("nhom-phoi-hop/", include("tocns.coordination.urls")),
    path("so-nganh/", include("tocns.sectors.urls")),
    path("ho-tro/", include("tocns.support.urls")),
    path("nhiem-vu/", include("tocns.teamtasks.urls")),
    path("huong-dan/", include("tocns.fieldwork.urls_guides")),
    path("nhat-ky-he-thong/", include("tocns.audit.urls")),
    path("du-lieu-ca-nhan/", include("tocns.privacy.urls")),
    path("thong-bao/", include("tocns.notify.urls")),
    path("toan-quoc/", include("tocns.national.urls")),
    path("", include("tocns.portal.urls")),
    path("api/v1/notify/", include("tocns.notify.urls_webhooks")),  # providers' receipts
    path("api/v1/", api.urls),
    path("django-admin/", admin.site.urls),
    path("", include("tocns.dashboard.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
