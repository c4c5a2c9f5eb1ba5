#!/usr/bin/python3
"""Runs the W3C Feed Validation Service (github.com/w3c/feedvalidator, the
copy in the team's shared directory) on a saved document, offline, and
writes what it found as JSON, for integration tests.

    /usr/bin/python3 w3c_validate.py --validator SHARED/tools/feedvalidator/src \\
        --url URL [--content-type TYPE] [--info] --output RESULT.json FILE

--url is the URL the document was fetched from: the validator resolves
relative references against it and compares the feed's rel="self" link
with it (SelfDoesntMatchLocation), so a test passes the URL it fetched.
--content-type is the served Content-Type (the validator also judges it).

RESULT.json:
    {"feed_type": "Atom 1.0",
     "events": [{"level": "warning", "class": "DuplicateUpdated", "line": 12,
                 "column": 5, "text": "Two entries with the same value for
                 atom:updated", "excerpt": "<updated>2024-…"}, …],
     "network_attempts": []}

"class" is the validator's event class name (stable, unlike the text);
"excerpt" is the document's line at "line", cut to 160 characters around the
column. Every error and warning is listed, each occurrence once (not
grouped); Info events only with --info.

Offline: the validator checks e-mail hosts with gethostbyname and would let
libxml2 load an external DTD. Both are refused here — sockets, name lookups
and libxml2's entity loader — and each attempt is listed in
"network_attempts", so that a test can see that a result was not skewed by
a refused lookup. Exit 0 when the document was validated (whatever was
found), 2 when the validator could not run.
"""
import argparse
import io
import json
import os
import socket
import sys


network_attempts = []


def refuse_network():
    """Replaces every way the validator could reach the network with a
    function that records the attempt and fails as an unreachable network
    would."""

    def refused(what):
        def refuse(*args, **kwargs):
            network_attempts.append('%s%r' % (what, args[:2]))
            raise OSError('network access is disabled in tests (%s)' % what)
        return refuse

    class RefusedSocket(socket.socket):
        def __init__(self, *args, **kwargs):
            refused('socket')(*args)

    socket.socket = RefusedSocket
    for name in ('create_connection', 'getaddrinfo', 'gethostbyname', 'gethostbyname_ex', 'gethostbyaddr'):
        setattr(socket, name, refused(name))
    import urllib.request
    urllib.request.urlopen = refused('urlopen')
    try:
        import libxml2
    except ImportError:
        return  # the validator reports its own import failure where it needs it

    def entity_loader(url, public_id, context):
        # An empty entity: returning None would fall back to libxml2's own
        # loader, which fetches http URLs.
        network_attempts.append('libxml2 entity %r %r' % (url, public_id))
        return io.BytesIO(b'')

    libxml2.setEntityLoader(entity_loader)


def level_of(event, fvlog):
    if isinstance(event, fvlog.Error):
        return 'error'
    if isinstance(event, fvlog.Warning):
        return 'warning'
    return 'info'


def excerpt(lines, line, column):
    if not isinstance(line, int) or line < 1 or line > len(lines):
        return ''
    text = lines[line - 1].rstrip('\r\n')
    start = max(0, (column if isinstance(column, int) else 0) - 80)
    return text[start:start + 160]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('file')
    parser.add_argument('--validator', required=True, help='the feedvalidator source directory (holds feedvalidator/)')
    parser.add_argument('--url', required=True, help='the URL the document was fetched from')
    parser.add_argument('--content-type')
    parser.add_argument('--info', action='store_true')
    parser.add_argument('--output', required=True)
    args = parser.parse_args()

    if not os.path.isdir(os.path.join(args.validator, 'feedvalidator')):
        print('w3c_validate: %s has no feedvalidator/ package (expected SHARED/tools/feedvalidator/src)'
              % args.validator, file=sys.stderr)
        return 2
    # The validator imports some of these only on some paths and quietly
    # skips a check when one is missing (rdflib: RSS 1.0): demand them all.
    for module, package in (('html5lib', 'python3-html5lib'), ('rdflib', 'python3-rdflib'),
                            ('lxml', 'python3-lxml'), ('libxml2', 'python3-libxml2')):
        try:
            __import__(module)
        except ImportError:
            print('w3c_validate: the validator needs Python\'s %s: install Debian\'s %s and run with /usr/bin/python3'
                  % (module, package), file=sys.stderr)
            return 2
    refuse_network()
    sys.path.insert(0, args.validator)
    os.environ['LANGUAGE'] = 'en'  # the messages' language, read at import
    try:
        import feedvalidator
        from feedvalidator import logging as fvlog
        from feedvalidator.formatter.text_plain import Formatter
    except ImportError as error:
        print('w3c_validate: cannot import the validator from %s: %s (install python3-html5lib '
              'python3-rdflib python3-lxml python3-libxml2, run with /usr/bin/python3)' % (args.validator, error),
              file=sys.stderr)
        return 2

    with open(args.file, 'rb') as document:
        raw = document.read()
    try:
        result = feedvalidator.validateStream(io.BytesIO(raw), firstOccurrenceOnly=0,
                                              contentType=args.content_type, base=args.url)
        events, feed_type = result['loggedEvents'], result['feedType']
    except fvlog.ValidationFailure as failure:
        events, feed_type = [failure.event], None

    lines = raw.decode('utf-8', errors='replace').split('\n')  # lines as expat counts them
    formatter = Formatter([])
    report = {'feed_type': fvlog.FEEDTYPEDISPLAY.get(feed_type, '(unknown type)'), 'events': [],
              'network_attempts': network_attempts}
    for event in events:
        level = level_of(event, fvlog)
        if level == 'info' and not args.info:
            continue
        line = event.params.get('line')
        column = event.params.get('column')
        report['events'].append({'level': level, 'class': type(event).__name__, 'line': line, 'column': column,
                                 'text': formatter.getMessage(event), 'excerpt': excerpt(lines, line, column)})
    with open(args.output, 'w', encoding='utf-8') as output:
        json.dump(report, output, ensure_ascii=False, indent=1, default=str)
    return 0


if __name__ == '__main__':
    sys.exit(main())
