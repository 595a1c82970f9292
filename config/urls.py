from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from articles.sitemaps import ArticleSitemap

from . import views

sitemaps = {"articles": ArticleSitemap}

urlpatterns = [
    path("", include("articles.urls")),
    path("", include("comments.posting.urls")),
    path("", include("comments.subscriptions.urls")),
    path("", include("comments.privacy.urls")),
    path("moderation/", include("comments.moderation.urls")),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("favicon.ico", views.favicon),
    path(
        "sitemap.xml",
        sitemap,
        {"sitemaps": sitemaps},
        name="django.contrib.sitemaps.views.sitemap",
    ),
]

handler400 = "config.views.bad_request"
