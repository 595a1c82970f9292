from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from articles.models import Article

from ..models import Comment
from ..xml_feeds import XmlTextAtomFeed, XmlTextRssFeed

FEED_SIZE = 50


class ArticleCommentsFeed(Feed):
    """The newest approved comments on one article. Names only: never an email.

    Well-formed XML for any text stored (``xml_feeds.XmlTextFeedMixin``).
    """

    feed_type = XmlTextRssFeed

    def get_object(self, request, slug):
        return get_object_or_404(Article.objects.published(), slug=slug)

    def title(self, article):
        return _("Comments on “%(title)s”") % {"title": article.title}

    def link(self, article):
        return article.get_absolute_url()

    def description(self, article):
        return self.title(article)

    def items(self, article):
        return (
            Comment.objects.public()
            .for_article(article)
            .select_related("article")
            .order_by("-created_at", "-pk")[:FEED_SIZE]
        )

    def item_title(self, item):
        return _("%(name)s on “%(title)s”") % {
            "name": item.author_name,
            "title": item.article.title,
        }

    def item_description(self, item):
        return item.body_html

    def item_link(self, item):
        return item.get_absolute_url()

    def item_pubdate(self, item):
        return item.created_at

    def item_author_name(self, item):
        return item.author_name


class ArticleCommentsAtomFeed(ArticleCommentsFeed):
    feed_type = XmlTextAtomFeed

    def subtitle(self, article):
        return self.description(article)
