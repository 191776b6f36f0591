"""The interaction network and people worth meeting; included by insights/urls.py."""

from django.urls import path, re_path

from cultivate.insights import network_views

urlpatterns = [
    path("c/<slug:slug>/insights/network/", network_views.network, name="network"),
    re_path(r"^c/(?P<slug>[-\w]+)/insights/network/(?P<which>edges|members)\.csv$",
            network_views.network_file, name="network-file"),
    path("c/<slug:slug>/people-to-meet/", network_views.people_to_meet, name="people-to-meet"),
]
