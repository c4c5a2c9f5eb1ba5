#!/usr/bin/env python3
"""Writes the scale benchmark's inputs: COUNT distinct RSS 2.0 feeds of 20
items each under ROOT/feeds/, a tributary config following all of them on
http://127.0.0.1:PORT/, and a newsboat urls file with the first SUBSET.

Every item is distinct (its own guid, link, title and text), so the cold
cycle stores COUNT * 20 items and no story merges hide work.

Usage: make_feeds.py ROOT PORT COUNT SUBSET DATABASE CONCURRENCY
"""
import datetime
import email.utils
import os
import random
import sys

ITEMS_PER_FEED = 20

WORDS = (
    "city council approved budget winter heating subsidy tram line reopens after repairs minister said "
    "Tuesday highway open spring river bridge festival museum school hospital market prices rose fell "
    "sharply December residents protest plan park station airport flights delayed snow storm warning "
    "issued harbour ferry strike union talks election campaign vote court ruling appeal police report "
    "fire brigade rescue mountain village water supply power outage grid solar wind farm factory jobs "
    "exports tourism season hotel guests record museum gallery concert theatre premiere library archive"
).split()


def sentence(rng, count):
    return " ".join(rng.choice(WORDS) for _ in range(count))


def feed_document(index):
    rng = random.Random(index)
    items = []
    for item in range(ITEMS_PER_FEED):
        published = datetime.datetime(2025, 11, 1 + (index + item) % 28, (index * 7 + item) % 24, item * 2,
                                      tzinfo=datetime.timezone.utc)
        items.append(
            f"<item><title>{sentence(rng, 7).capitalize()} ({index}-{item})</title>"
            f"<link>http://site{index}.example/2025/11/story-{item}</link>"
            f'<guid isPermaLink="false">feed-{index}-item-{item}</guid>'
            f"<pubDate>{email.utils.format_datetime(published)}</pubDate>"
            f"<description>&lt;p&gt;{sentence(rng, 45)}.&lt;/p&gt;</description></item>\n"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
        f"<title>Bench outlet {index}</title><link>http://site{index}.example/</link>"
        f"<description>Generated feed {index}</description>\n" + "".join(items) + "</channel></rss>\n"
    )


def main():
    root, port, count, subset, database, concurrency = sys.argv[1:7]
    port, count, subset = int(port), int(count), int(subset)
    os.makedirs(os.path.join(root, "feeds"), exist_ok=True)
    base = f"http://127.0.0.1:{port}/feeds"
    for index in range(count):
        with open(os.path.join(root, "feeds", f"{index}.xml"), "w", encoding="utf-8") as out:
            out.write(feed_document(index))
    with open(os.path.join(root, "tributary.toml"), "w", encoding="utf-8") as out:
        # Every source is on one host (127.0.0.1): the per-host limit and the
        # per-host delay are raised to the overall limit, or the benchmark
        # would measure the politeness delay (2 s per request by default).
        out.write(
            f'[storage]\ndatabase = "{database}"\n\n'
            f"[schedule]\nmax_concurrent = {concurrency}\nper_host = {concurrency}\n"
            'host_delay = "0s"\n\n'
            f"[fetch]\nmax_connections_per_host = {min(int(concurrency), 64)}\n"
            f"max_connections = {max(int(concurrency), 64)}\n\n"
            '[log]\nlevel = "warn"\n\n'
        )
        for index in range(count):
            out.write(f'[[source]]\nurl = "{base}/{index}.xml"\nname = "Bench outlet {index}"\n\n')
    with open(os.path.join(root, "newsboat-urls"), "w", encoding="utf-8") as out:
        for index in range(min(subset, count)):
            out.write(f"{base}/{index}.xml\n")


if __name__ == "__main__":
    main()
