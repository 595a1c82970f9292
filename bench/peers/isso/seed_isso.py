"""Seed Isso's SQLite database with the benchmark threads.

Runs in the peers' virtualenv:
    python seed_isso.py --config isso.cfg THREAD.json [THREAD.json ...]
Recreates the database named in the config: Isso's own ``SQLite3`` class makes the schema,
then each thread and its comments are inserted in one transaction with the columns Isso's
``Comments.add`` writes (markdown source in ``text``, anonymized address, voters bloom filter).
Isso nests one level only: ``Comments.add`` files a reply to a reply under the top-level
comment, and so does this seeder. Prints ``{size: comments stored}`` as JSON.
"""

import argparse
import json
import sqlite3
from datetime import datetime
from pathlib import Path

from isso import config
from isso.db import SQLite3
from isso.utils import Bloomfilter

REMOTE_ADDR = "127.0.0.0"  # what isso.utils.anonymize makes of 127.0.0.1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", required=True)
    parser.add_argument("threads", nargs="+")
    args = parser.parse_args()

    conf = config.load(config.default_file(), args.config)
    dbpath = Path(conf.get("general", "dbpath"))
    dbpath.unlink(missing_ok=True)
    SQLite3(str(dbpath), conf)  # creates the schema at Isso's current version
    voters = memoryview(Bloomfilter(iterable=[REMOTE_ADDR]).array)

    stored = {}
    con = sqlite3.connect(dbpath)
    try:
        with con:
            for name in args.threads:
                thread = json.loads(Path(name).read_text())
                start = datetime.fromisoformat(thread["start"]).timestamp()
                tid = con.execute(
                    "INSERT INTO threads (uri, title) VALUES (?, ?)",
                    (thread["path"], thread["title"]),
                ).lastrowid
                ids: list[int] = []
                comments = thread["comments"]
                for c in comments:
                    root = c["parent"]
                    while root is not None and comments[root]["parent"] is not None:
                        root = comments[root]["parent"]
                    ids.append(
                        con.execute(
                            "INSERT INTO comments (tid, parent, created, modified, mode,"
                            " remote_addr, text, author, email, website, voters, notification)"
                            " VALUES (?, ?, ?, NULL, 1, ?, ?, ?, ?, ?, ?, 0)",
                            (
                                tid,
                                None if root is None else ids[root],
                                start + c["created"],
                                REMOTE_ADDR,
                                c["body"],
                                c["author_name"],
                                c["author_email"],
                                c["author_url"] or None,
                                voters,
                            ),
                        ).lastrowid
                    )
                stored[thread["key"]] = len(ids)
    finally:
        con.close()
    print(json.dumps(stored))


if __name__ == "__main__":
    main()
