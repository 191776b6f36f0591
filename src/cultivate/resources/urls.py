from django.urls import path

from cultivate.resources import views

app_name = "resources"

urlpatterns = [
    path("c/<slug:slug>/resources/", views.library, name="library"),
    path("c/<slug:slug>/resources/new/", views.add, name="add"),
    path("c/<slug:slug>/resources/key/", views.key_resources, name="key"),
    path("c/<slug:slug>/resources/<int:resource_id>/", views.detail, name="detail"),
    path("c/<slug:slug>/resources/<int:resource_id>/edit/", views.edit, name="edit"),
    path("c/<slug:slug>/resources/<int:resource_id>/delete/", views.delete, name="delete"),
    path("c/<slug:slug>/resources/<int:resource_id>/restore/", views.restore, name="restore"),
    path("c/<slug:slug>/resources/<int:resource_id>/key/", views.change_key, name="change-key"),
    path("c/<slug:slug>/resources/<int:resource_id>/file/<str:name>", views.serve_file,
         name="file"),
]
