from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from articles.sitemaps import ArticleSitemap

from . import views

sitemaps = {"articles": ArticleSitemap}

urlpatterns = [
    path("", include("articles.urls")),
    path("", include("comments.urls")),
    path("admin/", admin.site.urls),
    path("favicon.ico", views.favicon),
    path(
        "sitemap.xml",
        sitemap,
        {"sitemaps": sitemaps},
        name="django.contrib.sitemaps.views.sitemap",
    ),
]
