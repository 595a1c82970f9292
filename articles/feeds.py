from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from comments.xml_feeds import XmlTextAtomFeed, XmlTextRssFeed

from .models import Article

FEED_SIZE = 20


class LatestArticlesFeed(Feed):
    # Well-formed XML for any text an editor stored (comments.xml_feeds.XmlTextFeedMixin).
    feed_type = XmlTextRssFeed
    link = reverse_lazy("articles:list")
    description = _("The latest articles.")

    def title(self):
        return settings.SITE_NAME

    def items(self):
        return Article.objects.published()[:FEED_SIZE]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary or item.body_html

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        return item.byline or None


class LatestArticlesAtomFeed(LatestArticlesFeed):
    feed_type = XmlTextAtomFeed
    subtitle = LatestArticlesFeed.description
