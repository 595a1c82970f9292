from django.db import models
from django.urls import reverse


class Article(models.Model):
    """The object the comments hang on (no migrations: created with migrate --run-syncdb)."""

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    body = models.TextField()
    published_at = models.DateTimeField()

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("article-detail", kwargs={"slug": self.slug})
