from django.urls import path

from cultivate.health import views

app_name = "health"

urlpatterns = [
    path("c/<slug:slug>/health/", views.health, name="health"),
    path("c/<slug:slug>/health/stage/", views.change_stage, name="stage"),
    path("c/<slug:slug>/health/thresholds/", views.thresholds, name="thresholds"),
]
