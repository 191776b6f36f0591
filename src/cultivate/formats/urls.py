from django.urls import path

from cultivate.formats import views

app_name = "formats"

urlpatterns = [
    path("formats/", views.catalogue, name="catalogue"),
    path("formats/<slug:slug>/", views.detail, name="detail"),
    path("c/<slug:slug>/formats/", views.community_formats, name="community"),
    path("c/<slug:slug>/formats/adapt/", views.choose, name="choose"),
    path("c/<slug:slug>/formats/<slug:format_slug>/", views.community_format,
         name="community-format"),
    path("c/<slug:slug>/formats/<slug:format_slug>/adapt/", views.adapt, name="adapt"),
    path("c/<slug:slug>/formats/<slug:format_slug>/remove/", views.remove, name="remove"),
]
