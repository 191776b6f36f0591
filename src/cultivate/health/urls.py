from django.urls import path

from cultivate.health import maturity_views, plan_views, pulse_views, startup_views, views

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
    path("c/<slug:slug>/start/", startup_views.guide, name="startup"),
    path("c/<slug:slug>/plan/", plan_views.plan_page, name="plan"),
    path("c/<slug:slug>/plan/start/", plan_views.start, name="plan-start"),
    path("c/<slug:slug>/plan/<int:plan_id>/goals/", plan_views.add_goal, name="plan-goal"),
    path("c/<slug:slug>/plan/<int:plan_id>/copy/", plan_views.copy, name="plan-copy"),
    path("c/<slug:slug>/plan/<int:plan_id>.md", plan_views.export_markdown, name="plan-md"),
    path("c/<slug:slug>/plan/<int:plan_id>.pdf", plan_views.export_pdf, name="plan-pdf"),
    path("c/<slug:slug>/plan/goals/<int:goal_id>/activities/", plan_views.add_activity,
         name="plan-activity"),
    path("c/<slug:slug>/plan/goals/<int:goal_id>/remove/", plan_views.remove_goal,
         name="plan-goal-remove"),
    path("c/<slug:slug>/plan/activities/<int:activity_id>/", plan_views.change_activity,
         name="plan-activity-change"),
]
