from django.urls import path

from . import feeds, views

app_name = "comments"

urlpatterns = [
    path("articles/<slug:slug>/comments/", views.comment_post, name="post"),
    path("comments/form-token/", views.form_token, name="form-token"),
    path("comments/<int:pk>/", views.comment_permalink, name="permalink"),
    path("comments/<int:pk>/report/", views.comment_report, name="report"),
    path("articles/<slug:slug>/comments/feed/", feeds.ArticleCommentsFeed(), name="feed"),
    path(
        "articles/<slug:slug>/comments/feed/atom/",
        feeds.ArticleCommentsAtomFeed(),
        name="feed-atom",
    ),
]
