from django.urls import path

from cultivate.attachments import views

app_name = "attachments"

urlpatterns = [
    path("c/<slug:slug>/attachments/", views.upload, name="upload"),
    path("files/<int:attachment_id>/<str:name>", views.serve, name="file"),
]
