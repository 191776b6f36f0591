from django.urls import path

from cultivate.history import views

app_name = "history"

urlpatterns = [
    path("history/<str:kind>/<str:object_id>/", views.history, name="history"),
]
