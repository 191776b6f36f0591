from django.urls import path, re_path

from cultivate.insights import level_urls, network_urls, views

app_name = "insights"

urlpatterns = [
    *level_urls.urlpatterns,
    *network_urls.urlpatterns,
    path("c/<slug:slug>/insights/", views.dashboard, name="dashboard"),
    re_path(r"^c/(?P<slug>[-\w]+)/insights/(?P<chart>[-a-z]+)\.(?P<fmt>csv|xlsx)$",
            views.dashboard_file, name="dashboard-file"),
    path("insights/", views.landscape, name="landscape"),
    re_path(r"^insights/landscape\.(?P<fmt>csv|xlsx)$", views.landscape_file,
            name="landscape-file"),
    path("insights/nav/", views.landscape_nav, name="landscape-nav"),
]
