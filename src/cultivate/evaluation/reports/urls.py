from django.urls import path

from cultivate.evaluation.reports import views

urlpatterns = [
    path("c/<slug:slug>/value/report/", views.report, name="report"),
    path("c/<slug:slug>/value/report.md", views.report_markdown, name="report-markdown"),
    path("c/<slug:slug>/value/report.pdf", views.report_pdf, name="report-pdf"),
    path("value/report/", views.landscape, name="landscape-report"),
    path("value/report.md", views.landscape_markdown, name="landscape-report-markdown"),
    path("value/report.pdf", views.landscape_pdf, name="landscape-report-pdf"),
]
