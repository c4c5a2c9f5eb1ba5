#!/usr/bin/env python3
"""WebSub end-to-end latency (bench/push/run): a hub and publisher of the
bench's own on one port, tributary run on another. The daemon polls the
upstream feed once, finds the hub, subscribes; each sample then publishes a
document with one new entry (POST to the daemon's callback, signed with the
secret the daemon gave) and waits until /feed.atom lists it. The reference:
a source without a hub, pinned at a 1 s interval, whose document changes.

Usage: push_bench.py TRIBUTARY WORKDIR HUB_PORT DAEMON_PORT PUSH_SAMPLES POLL_SAMPLES
"""
import hashlib
import hmac
import http.client
import http.server
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request

tributary, work, hub_port, daemon_port, push_samples, poll_samples = sys.argv[1:7]
hub_port, daemon_port = int(hub_port), int(daemon_port)
push_samples, poll_samples = int(push_samples), int(poll_samples)
base = f"http://127.0.0.1:{hub_port}"
documents = {}  # path -> bytes, what the upstream serves
subscriptions = {}  # topic -> (callback, secret), once verified
lock = threading.Lock()


def atom(path, titles, with_hub):
    self_url = base + path
    links = f'<link rel="self" href="{self_url}"/>' + (f'<link rel="hub" href="{base}/hub"/>' if with_hub else "")
    entries = "".join(
        f"<entry><title>{t}</title><id>urn:bench:{path}:{t}</id><link href=\"https://bench.example/{t}\"/>"
        f"<updated>2026-12-01T10:00:00Z</updated><content>Text of {t}, long enough to be its own story "
        f"about {t} and nothing else at all.</content></entry>"
        for t in titles[-20:])
    return (f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>{path}</title>'
            f"<id>urn:bench:{path}</id><updated>2026-12-01T10:00:00Z</updated>{links}{entries}</feed>").encode()


def verify(fields):
    challenge = hashlib.sha1(str(time.time()).encode()).hexdigest()
    query = urllib.parse.urlencode({"hub.mode": "subscribe", "hub.topic": fields["hub.topic"],
                                    "hub.challenge": challenge, "hub.lease_seconds": "86400"})
    with urllib.request.urlopen(fields["hub.callback"] + "?" + query, timeout=5) as answer:
        if answer.status == 200 and answer.read().decode() == challenge:
            with lock:
                subscriptions[fields["hub.topic"]] = (fields["hub.callback"], fields["hub.secret"])


class Upstream(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        body = documents.get(self.path)
        self.send_response(200 if body else 404)
        self.send_header("Content-Type", "application/atom+xml")
        self.send_header("Content-Length", str(len(body or b"")))
        self.end_headers()
        self.wfile.write(body or b"")

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        fields = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
        self.send_response(202)
        self.send_header("Content-Length", "0")
        self.end_headers()
        if fields.get("hub.mode") == "subscribe":
            threading.Thread(target=verify, args=(fields,), daemon=True).start()


def feed_has(connection, title):
    connection.request("GET", "/feed.atom")
    return title.encode() in connection.getresponse().read()


def wait_for(connection, title, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if feed_has(connection, title):
            return time.monotonic()
        time.sleep(0.001)
    raise SystemExit(f"error: {title} did not reach /feed.atom within {timeout} s")


def push(topic, body):
    callback, secret = subscriptions[topic]
    url = urllib.parse.urlsplit(callback)
    signature = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    connection.request("POST", url.path, body, {"Content-Type": "application/atom+xml", "X-Hub-Signature": signature,
                                                "Link": f'<{base}/hub>; rel="hub", <{topic}>; rel="self"'})
    status = connection.getresponse().status
    connection.close()
    if status // 100 != 2:
        raise SystemExit(f"error: the daemon answered a push with {status}")


def row(name, samples):
    samples = sorted(samples)
    p90 = samples[min(len(samples) - 1, int(len(samples) * 0.9))]
    return f"| {name} | {len(samples)} | {statistics.median(samples) * 1000:.1f} | {p90 * 1000:.1f} | {samples[-1] * 1000:.1f} |"


def main():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", hub_port), Upstream)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    pushed_titles, polled_titles = ["p0"], ["q0"]
    documents["/pushed.xml"] = atom("/pushed.xml", pushed_titles, True)
    documents["/polled.xml"] = atom("/polled.xml", polled_titles, False)
    config = f"{work}/tributary.toml"
    with open(config, "w") as out:
        out.write(f'[server]\nlisten = "127.0.0.1"\nport = {daemon_port}\n\n[storage]\ndatabase = "{work}/t.db"\n\n'
                  '[schedule]\nhost_delay = "0s"\n\n[websub]\nsubscribe = true\n\n'
                  f'[[source]]\nurl = "{base}/pushed.xml"\nname = "pushed"\ninterval = "1h"\n\n'
                  f'[[source]]\nurl = "{base}/polled.xml"\nname = "polled"\ninterval = "1s"\n')
    log = open(f"{work}/daemon.log", "w")
    daemon = subprocess.Popen([tributary, "--config", config, "run"], stderr=log, stdout=log)
    try:
        deadline = time.monotonic() + 30
        while base + "/pushed.xml" not in subscriptions:
            if time.monotonic() > deadline or daemon.poll() is not None:
                raise SystemExit("error: the daemon did not subscribe within 30 s (see " + work + "/daemon.log)")
            time.sleep(0.05)
        connection = http.client.HTTPConnection("127.0.0.1", daemon_port, timeout=10)
        pushed = []
        for i in range(1, push_samples + 1):
            pushed_titles.append(f"p{i}")
            body = atom("/pushed.xml", pushed_titles, True)
            started = time.monotonic()
            push(base + "/pushed.xml", body)
            pushed.append(wait_for(connection, f"p{i}<", 10) - started)
        polled = []
        for i in range(1, poll_samples + 1):
            polled_titles.append(f"q{i}")
            documents["/polled.xml"] = atom("/polled.xml", polled_titles, False)
            started = time.monotonic()
            polled.append(wait_for(connection, f"q{i}<", 30) - started)
        median = statistics.median(pushed) * 1000
        print("| delivery | samples | median ms | p90 ms | max ms |")
        print("| --- | --- | --- | --- | --- |")
        print(row("WebSub push → /feed.atom", pushed))
        print(row("poll every 1 s → /feed.atom (reference)", polled))
        print(f"\ntarget: push median under 100 ms on loopback: {median:.1f} ms — "
              f"{'met' if median < 100 else 'NOT met'}")
    finally:
        daemon.terminate()
        daemon.wait(timeout=30)
        server.shutdown()


main()
