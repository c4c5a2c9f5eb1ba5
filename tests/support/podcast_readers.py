#!/usr/bin/python3
"""What podcast clients make of the daemon's RSS edition, as JSON in OUTPUT
(not on standard output, which warnings may share), for integration tests
(which decide what is right):

    podcast_readers.py OUTPUT podcastparser URL FILE  gPodder's podcastparser
        (Debian's python3-podcastparser), strict the way podcast apps are:
        {"title": …, "cover_url": …, "explicit": true/false/null,
         "episodes": [{"title": …, "guid": …, "total_time": seconds,
                       "episode_art_url": …, "explicit": …,
                       "enclosures": [{"url", "file_size", "mime_type"}]}]}
    podcast_readers.py OUTPUT feedparser FILE  Universal Feed Parser's
        podcast fields: {"bozo": …, "bozo_exception": …, "version": …,
         "image": href or null, "entries": [{"title": …, "id": …,
         "itunes_duration": text or null, "image": href or null,
         "enclosures": [{"href", "length", "type"}]}]}

Run with Debian's /usr/bin/python3 (python3-podcastparser, python3-feedparser).
"""
import json
import sys


def read_with_podcastparser(url, path):
    try:
        import podcastparser
    except ImportError:
        sys.exit("podcast_readers.py: install Debian's python3-podcastparser and run with /usr/bin/python3")
    with open(path, 'rb') as document:
        parsed = podcastparser.parse(url, document)
    episodes = [{'title': episode.get('title'), 'guid': episode.get('guid'),
                 'total_time': episode.get('total_time'), 'episode_art_url': episode.get('episode_art_url'),
                 'explicit': episode.get('explicit'), 'enclosures': episode.get('enclosures', [])}
                for episode in parsed.get('episodes', [])]
    return {'title': parsed.get('title'), 'cover_url': parsed.get('cover_url'), 'explicit': parsed.get('explicit'),
            'episodes': episodes}


def read_with_feedparser(path):
    try:
        import feedparser
    except ImportError:
        sys.exit("podcast_readers.py: install Debian's python3-feedparser and run with /usr/bin/python3")
    with open(path, 'rb') as document:
        parsed = feedparser.parse(document.read())
    entries = []
    for entry in parsed.entries:
        image = entry.get('image')
        entries.append({
            'title': entry.get('title'),
            'id': entry.get('id'),
            'itunes_duration': entry.get('itunes_duration'),
            'image': image.get('href') if image else None,
            'enclosures': [{'href': enclosure.get('href'), 'length': enclosure.get('length'),
                            'type': enclosure.get('type')} for enclosure in entry.get('enclosures', [])],
        })
    image = parsed.feed.get('image')
    return {'bozo': bool(parsed.bozo), 'bozo_exception': str(parsed.get('bozo_exception', '')),
            'version': parsed.get('version', ''), 'image': image.get('href') if image else None, 'entries': entries}


def main():
    if len(sys.argv) == 5 and sys.argv[2] == 'podcastparser':
        result = read_with_podcastparser(sys.argv[3], sys.argv[4])
    elif len(sys.argv) == 4 and sys.argv[2] == 'feedparser':
        result = read_with_feedparser(sys.argv[3])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    with open(sys.argv[1], 'w', encoding='utf-8') as file:
        json.dump(result, file, ensure_ascii=False)
    return 0


if __name__ == '__main__':
    sys.exit(main())
