#!/usr/bin/python3
"""What Python's feed readers make of the daemon's documents, as JSON in
OUTPUT (not on standard output, which warnings may share), for integration
tests (which decide what is right):

    feed_readers.py OUTPUT feedparser FILE  Universal Feed Parser's reading:
        {"bozo": false, "bozo_exception": "", "version": "atom10",
         "entries": [{"id": …, "title": …, "link": …, "title_type": …,
                      "content": [text, …], "summary": text or null}, …]}
    feed_readers.py OUTPUT mails DIR  the messages rss2email handed to its
        sendmail (one file each in DIR), headers decoded:
        [{"file": …, "subject": …, "from": …, "to": …, "body": …}, …]
    feed_readers.py OUTPUT json FILE…  Python's json module on each file:
        {"FILE": null (parsed) or "the error", …}
    feed_readers.py OUTPUT newsboat CACHE  the items newsboat stored:
        [{"guid": …, "title": …, "url": …, "content": …}, …]

Run with Debian's /usr/bin/python3 (python3-feedparser).
"""
import email
import email.header
import email.policy
import json
import os
import sys


def read_with_feedparser(path):
    try:
        import feedparser
    except ImportError:
        sys.exit("feed_readers.py: install Debian's python3-feedparser and run with /usr/bin/python3")
    with open(path, 'rb') as document:
        parsed = feedparser.parse(document.read())
    entries = []
    for entry in parsed.entries:
        detail = entry.get('title_detail') or {}
        entries.append({
            'id': entry.get('id'),
            'title': entry.get('title'),
            'title_type': detail.get('type'),
            'link': entry.get('link'),
            'content': [part.get('value', '') for part in entry.get('content', [])],
            'summary': entry.get('summary'),
        })
    return {'bozo': bool(parsed.bozo), 'bozo_exception': str(parsed.get('bozo_exception', '')),
            'version': parsed.get('version', ''), 'entries': entries}


def decoded(header):
    return str(email.header.make_header(email.header.decode_header(header or ''))) if header else ''


def read_mails(directory):
    mails = []
    for name in sorted(os.listdir(directory)):
        with open(os.path.join(directory, name), 'rb') as file:
            message = email.message_from_binary_file(file, policy=email.policy.compat32)
        body = message.get_payload(decode=True) if not message.is_multipart() else b''
        charset = message.get_content_charset() or 'utf-8'
        mails.append({'file': name, 'subject': decoded(message['Subject']), 'from': decoded(message['From']),
                      'to': decoded(message['To']), 'body': (body or b'').decode(charset, errors='replace')})
    return mails


def read_newsboat_cache(path):
    import sqlite3
    with sqlite3.connect(path) as database:
        rows = database.execute('SELECT guid, title, url, content FROM rss_item ORDER BY id').fetchall()
    return [{'guid': guid, 'title': title, 'url': url, 'content': content} for guid, title, url, content in rows]


def parse_json_files(paths):
    results = {}
    for path in paths:
        try:
            with open(path, encoding='utf-8') as file:
                json.load(file)
            results[path] = None
        except (ValueError, UnicodeDecodeError) as error:
            results[path] = str(error)
    return results


def main():
    commands = {'feedparser': lambda arguments: read_with_feedparser(arguments[0]),
                'mails': lambda arguments: read_mails(arguments[0]),
                'newsboat': lambda arguments: read_newsboat_cache(arguments[0]),
                'json': parse_json_files}
    if len(sys.argv) < 4 or sys.argv[2] not in commands:
        print(__doc__, file=sys.stderr)
        return 2
    output, command, arguments = sys.argv[1], sys.argv[2], sys.argv[3:]
    result = commands[command](arguments)
    with open(output, 'w', encoding='utf-8') as file:
        json.dump(result, file, ensure_ascii=False)
    return 0

if __name__ == '__main__':
    sys.exit(main())
