"""The member's own level and the thresholds; included by insights/urls.py."""

from django.urls import path

from cultivate.insights import levels_views

urlpatterns = [
    path("c/<slug:slug>/my-level/", levels_views.my_level, name="my-level"),
    path("c/<slug:slug>/insights/levels/", levels_views.level_rules, name="level-rules"),
]
