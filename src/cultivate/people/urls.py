from django.urls import path

from cultivate.people import views
from cultivate.people.mydata import views as mydata_views

app_name = "people"

urlpatterns = [
    path("language/", views.choose_language, name="choose-language"),
    path("me/profile/", views.edit_profile, name="edit-profile"),
    path("me/tokens/", views.tokens, name="tokens"),
    path("me/data/", mydata_views.my_data, name="my-data"),
    path("me/data/export/", mydata_views.export_data, name="export-data"),
    path("me/data/erasure/", mydata_views.request_erasure, name="request-erasure"),
    path("me/data/erasure/cancel/", mydata_views.cancel_erasure, name="cancel-erasure"),
    path("me/tokens/<int:token_id>/revoke/", views.revoke_token, name="revoke-token"),
    path("people/<str:username>/", views.profile, name="profile"),
    path("people/<str:username>/claim/", views.claim, name="claim"),
    path("claims/", views.claims, name="claims"),
    path("claims/nav/", views.claims_nav, name="claims-nav"),
    path("claims/<int:claim_id>/decide/", views.decide_claim, name="decide-claim"),
    path("claims/<int:claim_id>/withdraw/", views.withdraw_claim, name="withdraw-claim"),
]
