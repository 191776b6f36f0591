from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from cultivate.api import api
from cultivate.core import views as core_views
from cultivate.people.accounts import LoginView

admin.site.site_header = "Cultivate administration"
# Staff sign in through the one sign-in page, with its rate limits (people/accounts.py).
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("favicon.ico", core_views.favicon, name="favicon"),
    path("bench/floor", core_views.floor, name="bench-floor"),
    path("markdown/preview/", core_views.markdown_preview, name="markdown-preview"),
    path("admin/", admin.site.urls),
    # allauth's sign-in, answering 429 when failed attempts are limited (people/accounts.py)
    path("accounts/login/", LoginView.as_view(), name="account_login"),
    path("accounts/", include("allauth.urls")),
    path("api/v1/", api.urls),
    path("", include("cultivate.people.urls")),
    path("", include("cultivate.communities.urls")),
    path("", include("cultivate.conversations.urls")),
    path("", include("cultivate.formats.urls")),
    path("", include("cultivate.practice.urls")),
    path("", include("cultivate.attachments.urls")),
    path("", include("cultivate.resources.urls")),
    path("", include("cultivate.events.urls")),
    path("", include("cultivate.live.urls")),
    path("", include("cultivate.insights.urls")),
    path("", include("cultivate.history.urls")),
    path("", include("cultivate.audit.urls")),
    path("", include("cultivate.evaluation.urls")),
    path("", include("cultivate.health.urls")),
]
