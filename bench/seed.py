"""The benchmark's comment threads: one generator, and the seeder for our own database.

``generate_thread(size)`` makes a deterministic thread (same input, same comments) as plain
dicts, so every system under test gets the same comments: our site (seeded here through the
ORM), django-comments-xtd and Isso (seeded by ``peers/*/seed_*.py`` from the JSON files that
``load_or_write_threads`` writes). Nothing at module level imports Django, so run.py can import the
generator without setting Django up.

Run as a script (with ``DATABASE_URL`` and the production settings in the environment), it
migrates that database, replaces the benchmark articles (slugs ``bench-…``) and their comments,
and prints a JSON summary on its last line. The threads are written to ``--threads-dir`` the
first time (with the site's ``COMMENTS_MAX_DEPTH``) and read back from there afterwards, so the
second database and the peers get exactly the same comments, timestamps included.
"""

import argparse
import json
import os
import random
import sys
import time
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
GENERATOR_VERSION = 1
REPLY_SHARE = 0.30
POSTING_SLUG = "bench-posting"

# Health-forum-like sentences, in the voice of readers under an MS news article.
CORPUS = [
    "I was diagnosed with relapsing-remitting MS in 2014 and this article sounds very familiar.",
    "Massage has helped my spasticity more than any of the pills I have tried so far.",
    "Has anyone here tried a TENS unit for lower back pain?",
    "My neurologist says heat makes fatigue worse, so I keep the room cool after a session.",
    "Thank you for writing about caregivers; we are often forgotten.",
    "I would love to see a follow-up piece on the cost of these therapies.",
    "Insurance would not cover massage for me even with a letter from my doctor.",
    "The numbness in my left hand comes and goes, and stress seems to trigger it.",
    "Please be careful with deep tissue work if you are on blood thinners.",
    "We found a therapist who trained with people with neurological conditions, which helped.",
    "My wife has secondary progressive MS and gentle stretching keeps her mobile.",
    "I get a weird tingling down my spine when I bend my neck, my doctor called it Lhermitte's.",
    "Does anyone know whether reflexology is safe during an infusion week?",
    "Vitamin D levels came up at every appointment this year.",
    "Fatigue is the symptom nobody sees, and it is the one that limits me most.",
    "Swimming in a cool pool is the only exercise I can do without overheating.",
    "I keep a symptom diary and it really helps when I talk to my nurse.",
    "Two years on ocrelizumab and no new lesions on my last MRI.",
    "The waiting list for physiotherapy here is eight months.",
    "Mindfulness sounded silly to me at first but it helps with the pain at night.",
    "My balance got better after a few weeks of yoga, slowly.",
    "I wish more doctors would take cognitive fog seriously.",
    "Our support group meets online every second Tuesday if anyone wants to join.",
    "I use a massage gun on my calves and it eases the cramps a little.",
    "This is the first article I have read that mentions bladder problems honestly.",
    "Heat intolerance means summer is my worst season.",
    "Please keep writing these, they make me feel less alone.",
    "My son was diagnosed at nineteen and we are still learning everything.",
    "Acupuncture did nothing for me, but I know people it helped.",
    "A study last year suggested regular exercise may slow disability progression.",
    "Cold showers help my fatigue in the morning, strange as it sounds.",
    "I had to stop driving last spring because of my vision.",
    "Ask about a referral to an occupational therapist, it changed our home.",
    "My massage therapist adjusts the pressure every time depending on how I feel.",
    "Is there any evidence behind the diet plans people keep sending me?",
    "Sleep is everything, when I sleep badly every symptom is worse.",
    "I am a nurse and I see how much these small comforts matter to patients.",
    "We switched to a weighted blanket and the restless legs calmed down.",
    "Walking with poles made me much steadier on uneven ground.",
    "The trial results were promising, but the sample was small.",
]
LINKS = [
    "https://www.nationalmssociety.org/Living-Well-With-MS",
    "https://www.ncbi.nlm.nih.gov/pmc/articles/PMC6434560/",
    "https://clinicaltrials.gov/study/NCT04338022",
    "https://www.mssociety.org.uk/care-and-support",
    "www.example.org/ms-support-group",
]
LINK_SENTENCES = [
    "There is more about it here: {url}",
    "This helped me: {url}.",
    "See {url} for the study.",
]
FIRST_NAMES = [
    "Walter", "Maria", "Aisha", "Tom", "Chen", "Fatima", "Lars", "Priya", "Jonas", "Grace",
    "Oluwaseun", "Elena", "Kenji", "Sofia", "Ahmed", "Hannah", "Diego", "Ingrid", "Raj", "Nora",
]  # fmt: skip
LAST_INITIALS = "ABCDEFGHJKLMNPRSTW"


def thread_slug(size: int) -> str:
    return f"bench-thread-{size}"


def thread_path(size: int) -> str:
    return f"/articles/{thread_slug(size)}/"


def _body(rng: random.Random) -> str:
    """1-6 sentences, now and then split into paragraphs, about one comment in six with a link."""
    sentences = rng.sample(CORPUS, rng.randint(1, 6))
    if rng.random() < 0.17:
        link = rng.choice(LINK_SENTENCES).format(url=rng.choice(LINKS))
        sentences.insert(rng.randint(0, len(sentences)), link)
    text = ""
    for i, sentence in enumerate(sentences):
        if i:
            text += rng.choices([" ", "\n", "\n\n"], weights=[6, 1, 2])[0]
        text += sentence
    return text


def generate_thread(size: int, *, max_depth: int = 5, seed: int = 2024) -> list[dict]:
    """``size`` comments in posting order; ``REPLY_SHARE`` of them are replies.

    A reply's parent is an earlier comment, usually a recent one, as in a live discussion; a
    reply to a comment already at ``max_depth - 1`` joins its parent's level, as the site's
    posting service does. ``created`` is seconds after the thread's first comment.
    """
    rng = random.Random(f"{seed}-{size}")
    reply_count = round(size * REPLY_SHARE)
    replies = set(rng.sample(range(1, size), min(reply_count, size - 1))) if size > 1 else set()
    authors = [
        (f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_INITIALS)}.", n)
        for n in range(max(5, size // 8))
    ]
    comments: list[dict] = []
    created = 0
    for index in range(size):
        parent = depth = None
        if index in replies:
            parent = max(0, index - 1 - int(rng.expovariate(1 / 12)))
            while comments[parent]["depth"] + 1 >= max_depth:
                parent = comments[parent]["parent"]
            depth = comments[parent]["depth"] + 1
        name, author_no = rng.choice(authors)
        comments.append(
            {
                "index": index,
                "parent": parent,
                "depth": depth or 0,
                "author_name": name,
                "author_email": f"reader{author_no}@example.com",
                "author_url": (
                    f"https://blog.example.org/{name.split()[0].lower()}{author_no}"
                    if author_no % 5 == 0
                    else ""
                ),
                "body": _body(rng),
                "created": created,
            }
        )
        created += rng.randint(20, 900)
    return comments


def start_time(comments: list[dict]) -> datetime:
    """When a thread's first comment was posted: so that its last one was an hour ago."""
    span = comments[-1]["created"] if comments else 0
    now = datetime.now(UTC).replace(microsecond=0)
    return now - timedelta(hours=1, seconds=span)


POSTING_THREAD_SIZE = 20  # what the posting benchmark's article starts with (replies go there)


def bench_threads(sizes, *, max_depth: int) -> list[dict]:
    """Every thread a run needs: one per size, and the posting benchmark's article."""
    threads = []
    for size in sizes:
        comments = generate_thread(size, max_depth=max_depth)
        threads.append(
            {
                "key": str(size),
                "slug": thread_slug(size),
                "title": f"Benchmark thread with {size:,} comments",
                "comments": comments,
            }
        )
    threads.append(
        {
            "key": "posting",
            "slug": POSTING_SLUG,
            "title": "Benchmark posting target",
            "comments": generate_thread(POSTING_THREAD_SIZE, max_depth=max_depth, seed=7),
        }
    )
    for thread in threads:
        thread["path"] = f"/articles/{thread['slug']}/"
        thread["size"] = len(thread["comments"])
        thread["start"] = start_time(thread["comments"]).isoformat()
        thread["version"] = GENERATOR_VERSION
    return threads


def load_or_write_threads(sizes, out_dir: Path, *, max_depth: int) -> list[dict]:
    """The run's threads: read from ``out_dir`` if written earlier in this run, else made and
    written there as JSON (for the peers' seeders and the next database), one file per key."""
    out_dir.mkdir(parents=True, exist_ok=True)
    threads = []
    for thread in bench_threads(sizes, max_depth=max_depth):
        path = out_dir / f"thread-{thread['key']}.json"
        if path.exists():
            stored = json.loads(path.read_text())
            if stored.get("version") == GENERATOR_VERSION and stored.get("max_depth") == max_depth:
                threads.append(stored)
                continue
        thread["max_depth"] = max_depth
        path.write_text(json.dumps(thread))
        threads.append(thread)
    return threads


# --- Seeding our own database (runs inside a Django process) -------------------------------

ARTICLE_BODY = (
    "Massage and bodywork may ease some symptoms of multiple sclerosis, such as spasticity, "
    "pain and fatigue, according to a review of small studies.\n\n"
    "Researchers cautioned that the evidence is limited and that people should talk to their "
    "care team before starting a new therapy."
)


@contextmanager
def _given_timestamps(model):
    """Let bulk_create store the ``created_at`` we give instead of "now"."""
    fields = [f for f in model._meta.concrete_fields if getattr(f, "auto_now_add", False)]
    for field in fields:
        field.auto_now_add = False
    try:
        yield
    finally:
        for field in fields:
            field.auto_now_add = True


def seed_site(sizes, threads_dir: Path) -> dict:
    """Replace the benchmark articles in the configured database; return a summary."""
    from django.conf import settings
    from django.db import connection, transaction

    from articles.models import Article
    from comments.models import Comment
    from comments.sanitize import sanitize_comment

    max_depth = settings.COMMENTS_MAX_DEPTH
    summary = {"max_depth": max_depth, "seeded": {}, "seconds": {}}
    Article.objects.filter(slug__startswith="bench-").delete()
    published = datetime.now(UTC) - timedelta(days=60)
    html_of = {}  # the same text sanitizes to the same HTML: do each text once
    for thread in load_or_write_threads(sizes, threads_dir, max_depth=max_depth):
        began = time.perf_counter()
        start = datetime.fromisoformat(thread["start"])
        with transaction.atomic(), _given_timestamps(Comment):
            article = Article.objects.create(
                title=thread["title"],
                slug=thread["slug"],
                summary=f"{thread['size']:,} comments, {REPLY_SHARE:.0%} of them replies.",
                body=ARTICLE_BODY,
                status=Article.Status.PUBLISHED,
                published_at=published,
            )
            saved: dict[int, Comment] = {}
            # A reply needs its parent's primary key: insert one depth level at a time.
            for depth in range(max_depth):
                layer = []
                for c in thread["comments"]:
                    if c["depth"] != depth:
                        continue
                    if c["body"] not in html_of:
                        html_of[c["body"]] = sanitize_comment(c["body"])
                    obj = Comment(
                        article=article,
                        author_name=c["author_name"],
                        author_email=c["author_email"],
                        author_url=c["author_url"],
                        body=c["body"],
                        body_html=html_of[c["body"]],
                        status=Comment.Status.APPROVED,
                        created_at=start + timedelta(seconds=c["created"]),
                        ip_address="127.0.0.1",
                        user_agent="bench/seed.py",
                    )
                    obj.place_under(saved[c["parent"]] if c["parent"] is not None else None)
                    obj._bench_index = c["index"]
                    layer.append(obj)
                for obj in Comment.objects.bulk_create(layer, batch_size=500):
                    saved[obj._bench_index] = obj
        stored = Comment.objects.filter(article=article, status=Comment.Status.APPROVED).count()
        if stored != thread["size"]:
            raise RuntimeError(f"seeded {stored} comments for thread {thread['key']}")
        summary["seeded"][thread["key"]] = stored
        summary["seconds"][thread["key"]] = round(time.perf_counter() - began, 2)
    # As an import does: the planner sees the rows just written before the first request.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    # The comment policy in force, for the posting benchmark (rate limits, minimum time).
    summary["settings"] = {
        name: getattr(settings, name) for name in dir(settings) if name.startswith("COMMENTS_")
    }
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,100,1000,10000")
    parser.add_argument("--threads-dir", type=Path, default=BENCH_DIR / ".work" / "threads")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]

    sys.path.insert(0, str(PROJECT_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    print(json.dumps(seed_site(sizes, args.threads_dir), default=str))


if __name__ == "__main__":
    main()
