from django.urls import path

from cultivate.communities import inbox_views, views

app_name = "communities"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("c/new/", views.create, name="create"),
    path("me/stewarding/", inbox_views.stewarding, name="stewarding"),
    path("me/stewarding/count/", inbox_views.stewarding_nav, name="stewarding-nav"),
    path("me/communities/menu/", inbox_views.switcher, name="switcher"),
    path("c/<slug:slug>/", views.home, name="home"),
    path("c/<slug:slug>/edit/", views.edit, name="edit"),
    path("c/<slug:slug>/join/", views.join, name="join"),
    path("c/<slug:slug>/join/withdraw/", views.withdraw_request, name="withdraw-request"),
    path("c/<slug:slug>/leave/", views.leave, name="leave"),
    path("c/<slug:slug>/members/", views.members, name="members"),
    path("c/<slug:slug>/members/<int:user_id>/role/", views.change_role, name="change-role"),
    path("c/<slug:slug>/members/<int:user_id>/remove/", views.remove_member,
         name="remove-member"),
    path("c/<slug:slug>/requests/", views.requests, name="requests"),
    path("c/<slug:slug>/invitations/", views.invitations, name="invitations"),
    path("c/<slug:slug>/invitations/<int:invitation_id>/revoke/", views.revoke_invitation,
         name="revoke-invitation"),
    path("invitations/<str:token>/", views.invitation, name="invitation"),
    path("invitations/<str:token>/sign-up/", views.invitation_signup, name="invitation-signup"),
]
