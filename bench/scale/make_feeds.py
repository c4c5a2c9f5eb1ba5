#!/usr/bin/env python3
"""Writes the scale benchmark's inputs: COUNT distinct RSS 2.0 feeds of ITEMS
items each (20 unless given) under ROOT/feeds/, spread over hosts the way real subscription
lists are — ten crowded hosts (200 to 2,000 feeds each at 100,000 sources,
scaled with COUNT) and a long tail of hosts with 1 to 3 feeds — where every
host is a loopback address of its own (127.0.0.2-11 for the crowded ones,
127.1.x.y and up for the tail; Linux routes all of 127.0.0.0/8 to lo), all
served by one nginx listening on PORT with ROOT's parent as its root
(URLs are /NAME/feeds/N.xml, NAME being ROOT's last component). Also
writes:

- ROOT/sources.opml: the sources, which both configs below list;
- ROOT/tributary.toml: throughput settings for `poll --once` (per_host =
  max_concurrent = CONCURRENCY, host_delay 0), as the earlier one-host runs;
- ROOT/tributary-defaults.toml: the same sources with the shipped
  [schedule] defaults (per_host 2, host_delay 2s, max_concurrent 16), for
  `tributary run` on DAEMON_PORT;
- ROOT/newsboat-urls: the first SUBSET feeds (hosts are shuffled, so any
  prefix has crowded and lonely hosts alike);
- ROOT/hosts.txt: "HOST COUNT" per host.

Every item is distinct (its own guid, link, title and text), so the cold
cycle stores COUNT * ITEMS items and no story merges hide work.

With LAYOUT "one" instead of "spread" (the default), every feed is on
127.0.0.1: the layout of the comparison with newsboat (issue 6).

Usage: make_feeds.py ROOT PORT COUNT SUBSET DATABASE CONCURRENCY DAEMON_PORT [LAYOUT [ITEMS]]
"""
import collections
import datetime
import email.utils
import os
import random
import sys

DEFAULT_ITEMS_PER_FEED = 20
CROWDED_AT_100K = [200 * (k + 1) for k in range(10)]  # 200, 400, ... 2,000

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


def feed_document(index, items_per_feed):
    rng = random.Random(index)
    items = []
    for item in range(items_per_feed):
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


def tail_host(number):
    """The NUMBERth host of the long tail: 127.1.0.1, 127.1.0.2, ... (no .0 or .255)."""
    last = 1 + number % 254
    middle = (number // 254) % 256
    first = 1 + number // (254 * 256)
    return f"127.{first}.{middle}.{last}"


def host_of_each_feed(count):
    """A host per feed index: the crowded hosts' share, then 1-3 feeds per tail host, shuffled."""
    rng = random.Random(count)
    hosts = []
    for k, size in enumerate(CROWDED_AT_100K):
        hosts += [f"127.0.0.{2 + k}"] * max(1, round(size * count / 100_000))
    hosts = hosts[:count]
    number = 0
    while len(hosts) < count:
        hosts += [tail_host(number)] * min(rng.randint(1, 3), count - len(hosts))
        number += 1
    rng.shuffle(hosts)
    return hosts


def main():
    root, port, count, subset, database, concurrency, daemon_port = sys.argv[1:8]
    layout = sys.argv[8] if len(sys.argv) > 8 else "spread"
    items_per_feed = int(sys.argv[9]) if len(sys.argv) > 9 else DEFAULT_ITEMS_PER_FEED
    port, count, subset, concurrency = int(port), int(count), int(subset), int(concurrency)
    os.makedirs(os.path.join(root, "feeds"), exist_ok=True)
    hosts = host_of_each_feed(count) if layout == "spread" else ["127.0.0.1"] * count
    # Served from nginx's root one level up: /SET/feeds/N.xml, SET being ROOT's name.
    prefix = os.path.basename(os.path.normpath(root))
    urls = [f"http://{hosts[index]}:{port}/{prefix}/feeds/{index}.xml" for index in range(count)]
    for index in range(count):
        with open(os.path.join(root, "feeds", f"{index}.xml"), "w", encoding="utf-8") as out:
            out.write(feed_document(index, items_per_feed))
    # The sources as an OPML list, the way a large subscription list is
    # imported: 100,000 [[source]] tables would exceed the 4 MiB a config
    # file may have (an OPML file may have 16 MiB).
    with open(os.path.join(root, "sources.opml"), "w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0"><head><title>bench</title></head><body>\n')
        for index, url in enumerate(urls):
            out.write(f'<outline type="rss" text="Bench outlet {index}" xmlUrl="{url}"/>\n')
        out.write("</body></opml>\n")
    sources = '[sources]\nopml = "sources.opml"\n'
    with open(os.path.join(root, "tributary.toml"), "w", encoding="utf-8") as out:
        # Throughput settings: the per-host limits raised to the overall one,
        # so that `poll --once` measures the pipeline, not the politeness
        # delay (a crowded host of 2,000 feeds takes 2,000 x 2 s at the
        # defaults). tributary-defaults.toml has the shipped ones.
        out.write(
            f'[storage]\ndatabase = "{database}"\n\n'
            f"[schedule]\nmax_concurrent = {concurrency}\nper_host = {concurrency}\n"
            'host_delay = "0s"\n\n'
            f"[fetch]\nmax_connections_per_host = {min(concurrency, 64)}\n"
            f"max_connections = {max(concurrency, 64)}\n\n"
            '[log]\nlevel = "warn"\n\n' + sources
        )
    with open(os.path.join(root, "tributary-defaults.toml"), "w", encoding="utf-8") as out:
        out.write(
            f'[server]\nlisten = "127.0.0.1"\nport = {daemon_port}\n\n'
            f'[storage]\ndatabase = "{database}"\n\n'
            '[log]\nlevel = "warn"\ntarget = "stderr"\n\n' + sources
        )
    with open(os.path.join(root, "newsboat-urls"), "w", encoding="utf-8") as out:
        for url in urls[: min(subset, count)]:
            out.write(url + "\n")
    with open(os.path.join(root, "hosts.txt"), "w", encoding="utf-8") as out:
        for host, feeds in sorted(collections.Counter(hosts).items(), key=lambda pair: (-pair[1], pair[0])):
            out.write(f"{host} {feeds}\n")


if __name__ == "__main__":
    main()
