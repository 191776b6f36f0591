from django.urls import path

from cultivate.people import views

app_name = "people"

urlpatterns = [
    path("me/profile/", views.edit_profile, name="edit-profile"),
    path("me/tokens/", views.tokens, name="tokens"),
    path("me/tokens/<int:token_id>/revoke/", views.revoke_token, name="revoke-token"),
    path("people/<str:username>/", views.profile, name="profile"),
]
