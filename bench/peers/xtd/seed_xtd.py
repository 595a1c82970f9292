"""Seed the django-comments-xtd peer with the benchmark threads, then count its page's queries.

Runs in the peers' virtualenv, from bench/peers/xtd/:
    python seed_xtd.py --db PATH THREAD.json [THREAD.json ...]
Recreates the SQLite database at PATH (``migrate --run-syncdb``), adds one Article per thread
file and its comments, with xtd's own tree fields (thread_id, parent_id, level, order,
nested_count) computed as ``XtdComment.save()`` would set them, but in bulk: xtd's save() takes
several queries per comment. Then, like bench/queries.py for our site, it requests each page
twice with django.test.Client and counts the second request's queries. Prints
``{size: {"queries": n, "bytes": n}}`` as JSON on its last line.
"""

import argparse
import json
import os
import sys
from datetime import datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent


def tree_fields(comments: list[dict], first_id: int) -> list[dict]:
    """xtd's fields for each comment (in input order); ids are first_id, first_id + 1, ..."""
    children: dict[int | None, list[int]] = {}
    for c in comments:
        children.setdefault(c["parent"], []).append(c["index"])
    fields = [{} for _ in comments]
    for root in children.get(None, []):
        order = 0
        stack = [root]
        while stack:  # depth-first, children in posting order: xtd's "order" in a thread
            index = stack.pop()
            order += 1
            c = comments[index]
            fields[index] = {
                "id": first_id + index,
                "thread_id": first_id + root,
                "parent_id": first_id + (index if c["parent"] is None else c["parent"]),
                "level": c["depth"],
                "order": order,
                "nested_count": 0,
            }
            stack.extend(reversed(children.get(index, [])))
    for c in comments:  # every ancestor counts this comment among its nested ones
        parent = c["parent"]
        while parent is not None:
            fields[parent]["nested_count"] += 1
            parent = comments[parent]["parent"]
    return fields


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("threads", nargs="+")
    args = parser.parse_args()

    db = Path(args.db)
    db.unlink(missing_ok=True)
    os.environ["XTD_DATABASE_PATH"] = str(db)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xtdsite.settings")
    sys.path.insert(0, str(HERE))
    import django

    django.setup()
    from django.contrib.contenttypes.models import ContentType
    from django.contrib.sites.models import Site
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django_comments.models import Comment
    from django_comments_xtd.models import XtdComment
    from xtdbench.models import Article

    call_command("migrate", run_syncdb=True, interactive=False, verbosity=0)
    site = Site.objects.get(pk=1)
    next_id = 1
    paths = {}
    for name in args.threads:
        thread = json.loads(Path(name).read_text())
        start = datetime.fromisoformat(thread["start"])
        comments = thread["comments"]
        with transaction.atomic():
            article = Article.objects.create(
                title=thread["title"],
                slug=thread["slug"],
                body="Massage and bodywork may ease some symptoms of multiple sclerosis.",
                published_at=start - timedelta(days=1),
            )
            content_type = ContentType.objects.get_for_model(Article)
            fields = tree_fields(comments, next_id)
            base = [
                Comment(
                    id=f["id"],
                    content_type=content_type,
                    object_pk=str(article.pk),
                    site=site,
                    user_name=c["author_name"],
                    user_email=c["author_email"],
                    user_url=c["author_url"],
                    comment=c["body"],
                    submit_date=start + timedelta(seconds=c["created"]),
                    ip_address="127.0.0.1",
                    is_public=True,
                    is_removed=False,
                )
                for c, f in zip(comments, fields, strict=True)
            ]
            Comment.objects.bulk_create(base, batch_size=500)
            for f in fields:
                # raw=True saves only XtdComment's own table, as loaddata does for MTI models.
                XtdComment(comment_ptr_id=f["id"], followup=False, **f).save_base(
                    raw=True, force_insert=True
                )
        next_id += len(comments)
        paths[thread["key"]] = thread["path"]

    client = Client(HTTP_HOST="127.0.0.1")
    counts = {}
    for key, path in paths.items():
        client.get(path)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code}")
        shown = response.content.count(b'<div id="c')
        counts[key] = {"queries": len(captured), "bytes": len(response.content), "shown": shown}
    print(json.dumps(counts))


if __name__ == "__main__":
    main()
