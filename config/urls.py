from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path

from articles.sitemaps import ArticleSitemap

from . import views

sitemaps = {"articles": ArticleSitemap}

urlpatterns = [
    path("", include("articles.urls")),
    path("", include("comments.posting.urls")),
    path("", include("comments.subscriptions.urls")),
    path("", include("comments.privacy.urls")),
    path("", include("comments.moderation.public_urls")),
    path("moderation/", include("comments.moderation.urls")),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("favicon.ico", views.favicon),
    # An index of section pages (ArticleSitemap.limit articles each), not one long list.
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": sitemaps, "sitemap_url_name": "sitemap-section"},
        name="django.contrib.sitemaps.views.index",
    ),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": sitemaps},
        name="sitemap-section",
    ),
]

handler400 = "config.views.bad_request"
