from django.urls import include, path

from cultivate.live import views

app_name = "live"

urlpatterns = [
    path("", include("cultivate.live.harvest_urls")),
    path("live/", views.join, name="join"),
    path("live/<str:code>/", views.join, name="join-code"),
    path("events/<int:event_id>/live/", views.room, name="room"),
    path("events/<int:event_id>/live/projector/", views.projector, name="projector"),
    path("events/<int:event_id>/live/state", views.state, name="state"),
    path("events/<int:event_id>/live/updates", views.updates, name="updates"),
    path("events/<int:event_id>/live/post", views.post_item, name="post"),
    path("events/<int:event_id>/live/settings", views.change_channel, name="settings"),
    path("events/<int:event_id>/live/participants/", views.participants, name="participants"),
    path("events/<int:event_id>/live/participants/<int:participant_id>/remove",
         views.remove_participant, name="remove-participant"),
    path("events/<int:event_id>/live/items/<int:item_id>/vote", views.vote, name="vote"),
    path("events/<int:event_id>/live/items/<int:item_id>/moderate", views.moderate,
         name="moderate"),
    path("events/<int:event_id>/live/polls/new", views.create_poll, name="create-poll"),
    path("events/<int:event_id>/live/polls/<int:poll_id>/close", views.close_poll,
         name="close-poll"),
    path("events/<int:event_id>/live/polls/<int:poll_id>/answer", views.answer_poll,
         name="answer-poll"),
]
