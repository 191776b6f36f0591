"""Value creation's pages: each sub-domain keeps its own routes."""

from django.urls import include, path

app_name = "evaluation"

urlpatterns = [
    path("", include("cultivate.evaluation.applied.urls")),
    path("", include("cultivate.evaluation.stories.urls")),
    path("", include("cultivate.evaluation.indicators.urls")),
    path("", include("cultivate.evaluation.reports.urls")),
]
