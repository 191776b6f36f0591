from django.urls import path

from cultivate.conversations import views

app_name = "conversations"

urlpatterns = [
    path("search/", views.search_page, name="search"),
    path("me/notifications/", views.notifications, name="notifications"),
    path("me/email/", views.email_settings, name="email-settings"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("c/<slug:slug>/subscription/", views.subscription, name="subscription"),
    path("me/notifications/count/", views.notification_count, name="notification-count"),
    path("me/notifications/<int:pk>/", views.open_notification, name="open-notification"),
    path("c/<slug:slug>/t/<int:topic_id>/follow/", views.follow, name="follow"),
    path("c/<slug:slug>/topics/", views.topic_list, name="topics"),
    path("c/<slug:slug>/topics/new/", views.start_topic, name="start-topic"),
    path("c/<slug:slug>/topics/similar/", views.similar_questions, name="similar"),
    path("c/<slug:slug>/t/<int:topic_id>/", views.topic, name="topic"),
    path("c/<slug:slug>/t/<int:topic_id>/reply/", views.reply, name="reply"),
    path("c/<slug:slug>/t/<int:topic_id>/accept/<int:post_id>/", views.accept, name="accept"),
    path("c/<slug:slug>/t/<int:topic_id>/moderate/", views.moderate, name="moderate"),
    path("c/<slug:slug>/t/<int:topic_id>/move/", views.move, name="move"),
    path("c/<slug:slug>/t/<int:topic_id>/p/<int:post_id>/edit/", views.edit_post,
         name="edit-post"),
    path("c/<slug:slug>/t/<int:topic_id>/p/<int:post_id>/revisions/", views.revisions,
         name="revisions"),
    path("c/<slug:slug>/t/<int:topic_id>/p/<int:post_id>/delete/", views.delete_post,
         name="delete-post"),
    path("c/<slug:slug>/t/<int:topic_id>/p/<int:post_id>/restore/", views.restore_post,
         name="restore-post"),
    path("c/<slug:slug>/t/<int:topic_id>/p/<int:post_id>/helpful/", views.mark_helpful,
         name="helpful"),
    path("c/<slug:slug>/t/<int:topic_id>/p/<int:post_id>/flag/", views.flag_post, name="flag"),
    path("c/<slug:slug>/moderation/", views.moderation_queue, name="moderation"),
]
