#!/usr/bin/env python3
"""Writes each example's sample.jsonl, deterministically (fixed seed, fixed start time): run from examples/kda/."""
import json
import random
from datetime import datetime, timedelta, timezone

START = datetime(2026, 12, 3, 10, 0, 0, tzinfo=timezone.utc)
TICKERS = {"QXZ": "TECHNOLOGY", "AMZN": "TECHNOLOGY", "NFLX": "TECHNOLOGY", "WMT": "RETAIL", "TGT": "RETAIL",
           "JPM": "FINANCIAL", "BAC": "FINANCIAL", "XOM": "ENERGY"}


def ticks(rng, n, nested=False):
    """The KDA demo stream's stock ticks: about 5 per second of event time."""
    names = sorted(TICKERS)
    for i in range(n):
        ticker = names[rng.randrange(len(names))]
        t = START + timedelta(milliseconds=200 * i + rng.randrange(150))
        price = round(rng.uniform(1, 150), 2)
        tick = {"ticker_symbol": ticker, "sector": TICKERS[ticker], "change": round(rng.uniform(-5, 5), 2),
                "event_time": t.isoformat(timespec="milliseconds").replace("+00:00", "Z")}
        if nested:
            tick["quote"] = {"price": price}
        else:
            tick["price"] = price
        yield tick


def logs(rng, n):
    paths = ["/index.html", "/cart", "/checkout", "/api/items"]
    for i in range(n):
        t = START + timedelta(seconds=i)
        status = rng.choice([200, 200, 200, 304, 404, 500])
        line = '192.168.1.%d - - [%s] "GET %s HTTP/1.1" %d %d' % (
            rng.randrange(1, 20), t.strftime("%d/%b/%Y:%H:%M:%S +0000"), rng.choice(paths), status,
            rng.randrange(100, 5000))
        yield {"log": line}


def points(rng, n):
    """AWS's hotspots example: points uniform on [0, 10)², 15% of them about one of two centres instead."""
    centres = [(2.0, 8.0), (7.0, 3.0)]
    for _ in range(n):
        if rng.random() < 0.15:
            cx, cy = centres[rng.randrange(len(centres))]
            yield {"x": round(rng.gauss(cx, 0.1), 4), "y": round(rng.gauss(cy, 0.1), 4), "is_hot": "Y"}
        else:
            yield {"x": round(rng.uniform(0, 10), 4), "y": round(rng.uniform(0, 10), 4), "is_hot": "N"}


def write(folder, records):
    with open(folder + "/sample.jsonl", "w") as out:
        for record in records:
            out.write(json.dumps(record, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    samples = {
        "01-tumbling-count-step": lambda rng: ticks(rng, 600),
        "02-floor-to-minute": lambda rng: ticks(rng, 600),
        "03-top-k-items": lambda rng: ticks(rng, 600),
        "04-distinct-items": lambda rng: ticks(rng, 600),
        "05-multi-pump-chain": lambda rng: ticks(rng, 1500, nested=True),
        "06-filtered-pump": lambda rng: ticks(rng, 1500),
        "07-stagger-window": lambda rng: ticks(rng, 400),
        "08-log-parsing": lambda rng: logs(rng, 200),
        "10-hotspots": lambda rng: points(rng, 600),
    }
    for number, (folder, make) in enumerate(samples.items()):
        write(folder, make(random.Random(42 + number)))
