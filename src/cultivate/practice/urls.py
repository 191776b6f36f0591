from django.urls import path

from cultivate.practice import views

app_name = "practice"

urlpatterns = [
    path("methods/", views.landscape_methods, name="landscape"),
    path("methods/<slug:method>/", views.method, name="method"),
    path("methods/<slug:method>/edit/", views.edit_method, name="edit"),
    path("methods/<slug:method>/settings/", views.method_settings, name="settings"),
    path("methods/<slug:method>/history/", views.history, name="history"),
    path("methods/<slug:method>/history/<int:version>/", views.revision, name="revision"),
    path("methods/<slug:method>/history/<int:version>/restore/", views.restore,
         name="restore"),
    path("methods/<slug:method>/stories/new/", views.new_story, name="new-story"),
    path("methods/<slug:method>/stories/<int:story_id>/", views.story, name="story"),
    path("methods/<slug:method>/stories/<int:story_id>/edit/", views.edit_story,
         name="edit-story"),
    path("methods/<slug:method>/practitioners/", views.practitioner, name="practitioner"),
    path("c/<slug:slug>/methods/", views.community_methods, name="community"),
    path("c/<slug:slug>/methods/new/", views.new_method, name="new"),
    path("c/<slug:slug>/people-to-ask/", views.people_to_ask, name="people-to-ask"),
]
