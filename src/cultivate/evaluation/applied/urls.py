from django.urls import path

from cultivate.evaluation.applied import views

urlpatterns = [
    path("value/applied/<int:record_id>/follow-up/", views.follow_up, name="follow-up"),
    path("value/applied/<str:kind>/<str:target_id>/", views.apply, name="apply"),
    path("me/applied/", views.my_applied, name="my-applied"),
]
