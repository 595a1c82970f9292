from django.urls import path

from . import answers, appeal_views, mail_links, profile, views

app_name = "moderation"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("act/", views.act, name="act"),
    path("undo/", views.undo_decision, name="undo"),
    path("from-mail/", mail_links.from_mail, name="from-mail"),
    path("comment/<int:pk>/", views.comment_detail, name="comment"),
    path("comment/<int:pk>/edit/", views.comment_edit, name="edit"),
    path("comment/<int:pk>/reply/", views.comment_reply, name="reply"),
    path("comment/<int:pk>/answer/", answers.answer, name="answer"),
    path("comment/<int:pk>/ban/", views.comment_ban, name="ban"),
    path("comment/<int:pk>/remove-all/", views.remove_all_by_author, name="remove-all"),
    path("bans/", views.bans, name="bans"),
    path("bans/new/", views.ban_create, name="ban-create"),
    path("bans/<int:pk>/lift/", views.ban_lift, name="ban-lift"),
    path("log/", views.log, name="log"),
    path("appeals/", appeal_views.queue, name="appeals"),
    path("appeals/<int:pk>/decide/", appeal_views.decide, name="appeal-decide"),
    path("profile/", profile.staff_profile, name="profile"),
]
