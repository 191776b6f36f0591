from django.urls import path

from cultivate.evaluation.indicators import views

urlpatterns = [
    path("c/<slug:slug>/value/", views.matrix, name="matrix"),
    path("c/<slug:slug>/value/indicators/", views.indicators, name="indicators"),
    path("c/<slug:slug>/value/indicators/new/", views.define, name="indicator-new"),
    path("c/<slug:slug>/value/indicators/computed/<str:key>/target/", views.set_target,
         name="indicator-target"),
    path("c/<slug:slug>/value/indicators/<int:indicator_id>/archive/", views.archive,
         name="indicator-archive"),
    path("c/<slug:slug>/value/indicators/<int:indicator_id>/values/", views.enter_value,
         name="indicator-value"),
    path("value/", views.rollup, name="rollup"),
]
