"""Addresses stored before emails were normalised are normalised by a migration, and rows that
were one mailbox in two spellings become one."""

import pytest
from django.utils import timezone

from tests.conftest import migrate_to, migrate_to_latest

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("comments", "0006_in_reply_to"), ("articles", "0003_thread_version")]
AFTER = [("comments", "0007_normalized_emails")]


def test_the_migration_normalises_every_stored_address_and_merges_duplicates():
    apps = migrate_to(BEFORE)
    try:
        Article = apps.get_model("articles", "Article")
        Comment = apps.get_model("comments", "Comment")
        Subscriber = apps.get_model("comments", "Subscriber")
        Ban = apps.get_model("comments", "Ban")
        article = Article.objects.create(title="A", slug="a", body="b")
        for email in ["Jane@Exämple.com", "jane@xn--exmple-cua.com", " BOB@example.org "]:
            Comment.objects.create(article=article, author_name="x", author_email=email, body="b")
        now = timezone.now()
        Subscriber.objects.create(email="Jane@Exämple.com")
        Subscriber.objects.create(email="jane@xn--exmple-cua.com", confirmed_at=now)
        Ban.objects.create(kind="email", value="JANE@EXÄMPLE.COM", reason="r")

        apps = migrate_to(AFTER)

        Comment = apps.get_model("comments", "Comment")
        Subscriber = apps.get_model("comments", "Subscriber")
        Ban = apps.get_model("comments", "Ban")
        assert sorted(Comment.objects.values_list("author_email", flat=True)) == [
            "bob@example.org",
            "jane@xn--exmple-cua.com",
            "jane@xn--exmple-cua.com",
        ]
        (kept,) = Subscriber.objects.all()
        assert (kept.email, kept.confirmed_at) == ("jane@xn--exmple-cua.com", now)
        assert Ban.objects.get().value == "jane@xn--exmple-cua.com"
    finally:
        migrate_to_latest()
