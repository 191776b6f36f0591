from django.urls import path

from cultivate.conversations import views

app_name = "conversations"

urlpatterns = [
    path("search/", views.search_page, name="search"),
    path("c/<slug:slug>/topics/", views.topic_list, name="topics"),
    path("c/<slug:slug>/topics/new/", views.start_topic, name="start-topic"),
    path("c/<slug:slug>/t/<int:topic_id>/", views.topic, name="topic"),
    path("c/<slug:slug>/t/<int:topic_id>/reply/", views.reply, name="reply"),
    path("c/<slug:slug>/t/<int:topic_id>/accept/<int:post_id>/", views.accept, name="accept"),
]
