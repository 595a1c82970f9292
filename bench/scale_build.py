"""Building bench/scale.py's database with set-based SQL (``INSERT ... SELECT generate_series``).

``build(cursor, args, superuser_id)`` empties the site's comment tables and fills them to the
shape the arguments give (``args.articles``, ``args.comments``, ``args.emails``,
``args.big_thread``, ``args.reports``, ``args.log_rows``); it returns seconds per step.
"""

import contextlib
import json
import time

HELD_REASON = {"code": "first_time", "message": "a first comment", "verdict": "hold"}
SPAM_REASON = {"code": "keywords", "message": "a blocked phrase", "verdict": "spam"}
SENTENCES = [
    "My doctor said the same thing about the new guidelines",
    "I have been taking this medication for two years without problems",
    "Does anyone know whether the study included people over seventy",
    "The sample size seems small for such a strong conclusion",
    "Thank you for explaining the difference between relative and absolute risk",
    "My mother had the same symptoms and it turned out to be her thyroid",
    "Please talk to your pharmacist before changing any dose",
    "The article could have mentioned the side effects more clearly",
    "We tried the diet for three months and my blood sugar improved",
    "Is there a link to the original paper in the journal",
    "Walking every day helped my knees more than anything else",
    "The vaccine clinic near us had no waiting time at all",
]


MODELS = ("articles.Article", "comments.Comment", "comments.Report", "comments.ModerationLog")


@contextlib.contextmanager
def model_defaults(cursor):
    """While inside, each column the INSERTs below leave out takes its model field's default.

    The INSERTs name the columns this benchmark fills; a column added to a model later (a
    counter, a flag) would otherwise be NULL and break the build. Constant defaults only, which
    is what such columns have; the database defaults are dropped again on the way out.
    """
    from django.apps import apps
    from django.db.models import NOT_PROVIDED
    from psycopg import sql

    added = []
    for label in MODELS:
        model = apps.get_model(label)
        for field in model._meta.concrete_fields:
            if field.null or field.primary_key or (field.has_default() and callable(field.default)):
                continue
            if field.db_default is not NOT_PROVIDED:
                continue
            default = field.get_default()  # a blank text field's is ""
            if default is None:
                continue
            table, column = model._meta.db_table, field.column
            cursor.execute(
                sql.SQL("ALTER TABLE {} ALTER COLUMN {} SET DEFAULT {}").format(
                    sql.Identifier(table),
                    sql.Identifier(column),
                    sql.Literal(field.get_prep_value(default)),
                )
            )
            added.append((table, column))
    try:
        yield
    finally:
        for table, column in added:
            cursor.execute(
                sql.SQL("ALTER TABLE {} ALTER COLUMN {} DROP DEFAULT").format(
                    sql.Identifier(table), sql.Identifier(column)
                )
            )


def build(cursor, args, superuser_id: int) -> dict[str, float]:
    """Fill the database with set-based SQL; return seconds per step."""
    with model_defaults(cursor), thread_count_triggers_off(cursor):
        return _build(cursor, args, superuser_id)


@contextlib.contextmanager
def thread_count_triggers_off(cursor):
    """The thread counts' triggers (``comments.models.thread_counts``) off while inside: they
    would update a count row once per comment loaded. ``_build`` counts every comment once at
    the end instead."""
    cursor.execute("ALTER TABLE comments_comment DISABLE TRIGGER USER")
    try:
        yield
    finally:
        cursor.execute("ALTER TABLE comments_comment ENABLE TRIGGER USER")


def _build(cursor, args, superuser_id: int) -> dict[str, float]:
    from psycopg import sql as psycopg_sql

    timings = {}
    n_art, n_com = args.articles, args.comments
    big = max(1, n_art // 2)  # published about a year ago, so its 5,000 comments spread after
    big_count = min(args.big_thread, n_com // 2)
    stride = max(1, (n_com - n_com // 2) // max(big_count, 1))
    # Each comment goes to one of the articles published in the 30 days before it.
    window = max(1, n_art * 30 // 730)

    def step(name, sql, params=None):
        started = time.perf_counter()
        cursor.execute(sql, params)
        timings[name] = time.perf_counter() - started
        print(f"  {name}: {timings[name]:.1f} s", flush=True)

    step(
        "truncate",
        """TRUNCATE comments_moderationlog, comments_report, comments_comment,
           articles_article_related, articles_article, django_session, django_cache
           RESTART IDENTITY CASCADE""",
    )
    cursor.execute("SELECT setseed(0.42)")
    step(
        "articles",
        """
        INSERT INTO articles_article (id, title, slug, byline, summary, body, body_html, status,
            published_at, updated_at, comments_open, moderation, thread_version)
        SELECT g, 'Health story number ' || g, 'scale-' || g, 'Health desk',
            'What the new research on topic ' || g || ' means for readers.',
            'The study looked at ' || g || ' volunteers.' || E'\\n\\n' || 'Doctors advise caution.',
            '<p>The study looked at ' || g || ' volunteers.</p><p>Doctors advise caution.</p>',
            'published',
            now() - interval '730 days' * (1 - g::float8 / %(n)s),
            now() - interval '730 days' * (1 - g::float8 / %(n)s),
            true, 'inherit', 0
        FROM generate_series(1, %(n)s) g
        """,
        {"n": n_art},
    )
    # Comment g is posted at fraction g/M of the two years, so ids follow time as in real life.
    step(
        "comments (base)",
        """
        CREATE TEMP TABLE scale_base AS
        SELECT g AS id,
               CASE WHEN g > %(m)s / 2 AND (g - %(m)s / 2) %% %(stride)s = 0
                         AND (g - %(m)s / 2) / %(stride)s <= %(big_count)s THEN %(big)s
                    ELSE a END AS article_id,
               now() - interval '730 days' * (1 - g::float8 / %(m)s) AS created_at,
               random() AS r_status, random() AS r_reply, random() AS r_misc,
               1 + floor(random() * %(emails)s)::int AS reader,
               1 + floor(random() * %(sentences)s)::int AS s1,
               1 + floor(random() * %(sentences)s)::int AS s2
        FROM (
            SELECT g, CASE WHEN a = %(big)s THEN greatest(1, a - 1) ELSE a END AS a
            FROM (
                SELECT g, greatest(1, floor(g::float8 / %(m)s * %(n)s)::int - floor(random()
                    * least(%(window)s, floor(g::float8 / %(m)s * %(n)s)))::int) AS a
                FROM generate_series(1, %(m)s) g
            ) x
        ) y
        """,
        {
            "m": n_com,
            "n": n_art,
            "big": big,
            "big_count": big_count,
            "stride": stride,
            "window": window,
            "emails": args.emails,
            "sentences": len(SENTENCES),
        },
    )
    # Replies: within an article, a comment drawn as a reply (30%) answers the comment before
    # it, so conversations are chains; from the 6th level on a reply joins its parent's level
    # (parent: the depth-3 comment of the chain; in_reply_to: the comment answered), as the
    # posting service does with COMMENTS_MAX_DEPTH = 5.
    step(
        "comments (insert)",
        """
        WITH o AS (
            SELECT b.*, row_number() OVER (PARTITION BY article_id ORDER BY id) AS rn
            FROM scale_base b
        ), blocks AS (
            SELECT o.*, sum(CASE WHEN r_reply < 0.3 AND rn > 1 THEN 0 ELSE 1 END)
                        OVER (PARTITION BY article_id ORDER BY id) AS blk
            FROM o
        ), chain AS (
            SELECT blocks.*,
                   row_number() OVER w - 1 AS pos,
                   lag(id) OVER w AS prev,
                   first_value(id) OVER w AS top,
                   nth_value(id, 4) OVER (PARTITION BY article_id, blk ORDER BY id
                       ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS level3
            FROM blocks
            WINDOW w AS (PARTITION BY article_id, blk ORDER BY id)
        ), rows AS (
            SELECT c.*,
                   (%(sentences)s::text[])[s1] || '. ' || (%(sentences)s::text[])[s2]
                       || '. (Comment ' || id || ')' AS body,
                   CASE WHEN r_status < 0.72 THEN 'approved' WHEN r_status < 0.80 THEN 'pending'
                        WHEN r_status < 0.95 THEN 'spam' ELSE 'removed' END AS status
            FROM chain c
        )
        INSERT INTO comments_comment (id, article_id, parent_id, in_reply_to_id, root_id, depth,
            author_name, author_email, author_url, user_id, body, body_html, text_fingerprint,
            status, hold_reasons, created_at, updated_at, ip_address, user_agent, by_moderator,
            notify_replies)
        SELECT id, article_id,
               CASE WHEN pos = 0 THEN NULL WHEN pos <= 4 THEN prev ELSE level3 END,
               CASE WHEN pos = 0 THEN NULL ELSE prev END,
               CASE WHEN pos = 0 THEN NULL ELSE top END,
               least(pos, 4),
               'Reader ' || reader, 'reader' || reader || '@example.com',
               CASE WHEN reader %% 5 = 0 THEN 'https://blog' || reader || '.example.net/'
                    ELSE '' END,
               NULL, body, '<p>' || body || '</p>',
               left(encode(sha256(convert_to(lower(body), 'UTF8')), 'hex'), 32),
               status,
               CASE status WHEN 'pending' THEN %(held)s WHEN 'spam' THEN %(spam)s
                   ELSE '[]' END::jsonb,
               created_at, created_at,
               ('10.' || (reader / 65536) %% 256 || '.' || (reader / 256) %% 256
                    || '.' || reader %% 256)::inet,
               'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
               false, r_misc < 0.1
        FROM rows ORDER BY id
        """,
        {
            "sentences": SENTENCES,
            "held": json.dumps([HELD_REASON]),
            "spam": json.dumps([SPAM_REASON]),
        },
    )
    cursor.execute("DROP TABLE scale_base")
    step(
        "reports",
        """
        INSERT INTO comments_report (reason, note, reporter_key, source_key, created_at,
            resolved_at, resolved_by_id, comment_id)
        SELECT (ARRAY['spam', 'abuse', 'misinformation', 'off_topic', 'other'])
                   [1 + floor(random() * 5)::int],
               '', md5('reporter' || id), md5('network' || id),
               created_at + interval '1 hour', NULL, NULL, id
        FROM (SELECT id, created_at FROM comments_comment WHERE status = 'approved'
                AND created_at < now() - make_interval(days => %(older)s)
              ORDER BY random() LIMIT %(k)s) c
        """,
        {"k": args.reports, "older": args.reports_older_than},
    )
    step(
        "reported_at",
        """
        UPDATE comments_comment c SET reported_at = r.oldest
        FROM (SELECT comment_id, min(created_at) AS oldest FROM comments_report
              WHERE resolved_at IS NULL GROUP BY comment_id) r
        WHERE c.id = r.comment_id
        """,
    )
    step(
        "moderation log",
        """
        INSERT INTO comments_moderationlog (action, from_status, to_status, note, created_at,
            comment_id, moderator_id)
        SELECT CASE status WHEN 'approved' THEN 'approve' WHEN 'spam' THEN 'spam' ELSE 'remove' END,
               'pending', status, '', created_at + interval '20 minutes', id, %(mod)s
        FROM (SELECT id, status, created_at FROM comments_comment WHERE status <> 'pending'
              ORDER BY random() LIMIT %(k)s) c
        ORDER BY created_at
        """,
        {"k": args.log_rows, "mod": superuser_id},
    )
    for table in (
        "articles_article",
        "comments_comment",
        "comments_report",
        "comments_moderationlog",
    ):
        statement = psycopg_sql.SQL(
            "SELECT setval(pg_get_serial_sequence(%s, 'id'), "
            "(SELECT coalesce(max(id), 0) + 1 FROM {}), false)"
        ).format(psycopg_sql.Identifier(table))
        cursor.execute(statement, [table])
    from comments.models import thread_counts

    step("thread counts", "; ".join(thread_counts.RECOUNT))
    # VACUUM too: a table that autovacuum has visited has its visibility map set, so counts can
    # use index-only scans; right after a bulk load it has not, and autovacuum would otherwise
    # run in the middle of the timings.
    step("vacuum analyze", "VACUUM (ANALYZE)")
    return timings
