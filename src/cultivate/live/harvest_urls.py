"""The harvest page and the downloads; included by live/urls.py (namespace "live")."""

from django.urls import path

from cultivate.live import harvest_views

urlpatterns = [
    path("events/<int:pk>/live/harvest/", harvest_views.harvest_page, name="harvest"),
    path("events/<int:pk>/live/export.csv", harvest_views.export_csv, name="export-csv"),
    path("events/<int:pk>/live/export.md", harvest_views.export_md, name="export-md"),
]
