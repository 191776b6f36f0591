from django.urls import path

from cultivate.health import maturity_views, pulse_views, views

app_name = "health"

urlpatterns = [
    path("c/<slug:slug>/health/", views.health, name="health"),
    path("c/<slug:slug>/health/stage/", views.change_stage, name="stage"),
    path("c/<slug:slug>/health/thresholds/", views.thresholds, name="thresholds"),
    path("c/<slug:slug>/health/pulse/", pulse_views.surveys, name="pulse"),
    path("c/<slug:slug>/health/pulse/send/", pulse_views.send, name="pulse-send"),
    path("c/<slug:slug>/pulse/<int:survey_id>/", pulse_views.answer, name="pulse-answer"),
    path("pulse/<str:token>/", pulse_views.answer_from_link, name="pulse-link"),
    path("c/<slug:slug>/health/maturity/", maturity_views.page, name="maturity"),
    path("c/<slug:slug>/health/maturity/open/", maturity_views.open_round,
         name="maturity-open"),
    path("c/<slug:slug>/health/maturity/<int:assessment_id>/rate/", maturity_views.rate,
         name="maturity-rate"),
    path("c/<slug:slug>/health/maturity/<int:assessment_id>/close/", maturity_views.close_round,
         name="maturity-close"),
]
