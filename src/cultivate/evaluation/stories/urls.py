from django.urls import path

from cultivate.evaluation.stories import views

urlpatterns = [
    path("c/<slug:slug>/value/stories/", views.stories, name="stories"),
    path("c/<slug:slug>/value/stories/new/", views.write, name="story-new"),
    path("c/<slug:slug>/value/stories/<int:story_id>/", views.story, name="story"),
    path("c/<slug:slug>/value/stories/<int:story_id>/edit/", views.edit, name="story-edit"),
    path("c/<slug:slug>/value/stories/<int:story_id>/publish/", views.publish,
         name="story-publish"),
    path("c/<slug:slug>/value/stories/<int:story_id>/dismiss/", views.dismiss,
         name="story-dismiss"),
    path("c/<slug:slug>/value/stories/<int:story_id>/visibility/", views.decide_visibility,
         name="story-visibility"),
    path("c/<slug:slug>/value/stories/<int:story_id>/steps/<int:step_id>/corroborate/",
         views.corroborate, name="story-corroborate"),
]
