from django.urls import path

from cultivate.events import attendance_views, views

app_name = "events"

urlpatterns = [
    path("c/<slug:slug>/events/", views.community_events, name="community"),
    path("c/<slug:slug>/events/new/", views.plan, name="plan"),
    path("c/<slug:slug>/events.ics", views.community_feed, name="community-feed"),
    path("events/<int:pk>/", views.detail, name="detail"),
    path("events/<int:pk>/edit/", views.edit, name="edit"),
    path("events/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("events/<int:pk>/rsvp/", views.rsvp, name="rsvp"),
    path("events/<int:pk>/outcome/", views.outcome, name="outcome"),
    path("events/<int:pk>/event.ics", views.event_ics, name="ics"),
    path("events/<int:pk>/occurrence/", attendance_views.change_occurrence, name="occurrence"),
    path("events/<int:pk>/attendance/", attendance_views.attendance_page, name="attendance"),
    path("events/<int:pk>/check-in/", attendance_views.check_in, name="check-in"),
    path("events/<int:pk>/feedback/", attendance_views.feedback, name="feedback"),
    path("me/events/", views.my_events, name="mine"),
    path("me/events/calendar/", views.regenerate_feed, name="regenerate-feed"),
    path("calendar/<str:token>.ics", views.personal_feed, name="personal-feed"),
]
