from django.urls import include, path
from xtdbench import views

urlpatterns = [
    path("articles/<slug:slug>/", views.article_detail, name="article-detail"),
    path("comments/", include("django_comments_xtd.urls")),
]
