from django.urls import path

from cultivate.audit import views

app_name = "audit"

urlpatterns = [
    path("audit/", views.platform_audit, name="platform"),
    path("c/<slug:slug>/audit/", views.community_audit, name="community"),
]
