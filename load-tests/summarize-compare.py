#!/usr/bin/env python3
"""Turns compare-smtp-sink.sh's key=value lines into the Markdown tables of BENCHMARKS.md.

Medians over repetitions; the ratio column is the median of the per-pair ratios
(each ActorSmtp run divided by the smtp-sink run right after it), which cancels most
of the box's noise (see shared/notes/perf-anchors.md).
"""
import statistics
import sys
from collections import defaultdict

SHAPE_ORDER = ["1k-c1", "1k-c16", "1k-c128", "100k-c16", "1k-c16-newconn"]
SHAPE_TEXT = {
    "1k-c1": "1 KB × 1 session",
    "1k-c16": "1 KB × 16 sessions",
    "1k-c128": "1 KB × 128 sessions",
    "100k-c16": "100 KB × 16 sessions",
    "1k-c16-newconn": "1 KB × 16, new connection per message",
}
SERVER_ORDER = ["actorsmtp-null", "actorsmtp-file", "sink"]


def records(path):
    with open(path) as f:
        for line in f:
            fields = dict(p.split("=", 1) for p in line.split() if "=" in p)
            if fields:
                yield fields


def median(values):
    return statistics.median(values) if values else float("nan")


def main(runs_path, probes_path, environment_path):
    runs = list(records(runs_path))
    by_pair = defaultdict(dict)
    for r in runs:
        by_pair[r["pair"]][r["server"]] = r

    cells = defaultdict(lambda: {"rate": [], "cpu": [], "rss": [], "ratio": [], "runs": 0, "failed": 0})
    for r in runs:
        cell = cells[(r["shape"], r["server"])]
        cell["runs"] += 1
        if r["status"] != "ok":
            cell["failed"] += 1
            continue
        cell["rate"].append(float(r["msgps"]))
        cell["cpu"].append(float(r["cpu_ms_per_1k"]))
        cell["rss"].append(float(r["peak_rss_mb"]))
        partner = by_pair[r["pair"]].get("sink")
        if r["server"] != "sink" and partner and partner["status"] == "ok":
            cell["ratio"].append(float(r["msgps"]) / float(partner["msgps"]))

    print("# ActorSmtp vs smtp-sink\n")
    with open(environment_path) as f:
        for line in f:
            print(f"- {line.strip()}")
    print()
    print("| shape | server | runs | failed | msg/s (median) | × smtp-sink (median of paired ratios) "
          "| server CPU ms / 1000 msgs | peak RSS MB |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for shape in SHAPE_ORDER:
        for server in SERVER_ORDER:
            cell = cells.get((shape, server))
            if not cell:
                continue
            ratio = "1" if server == "sink" else (f"{median(cell['ratio']):.2f}" if cell["ratio"] else "-")
            print(f"| {SHAPE_TEXT[shape]} | {server} | {cell['runs']} | {cell['failed']} "
                  f"| {median(cell['rate']):.0f} | {ratio} | {median(cell['cpu']):.0f} | {median(cell['rss']):.1f} |")

    probes = list(records(probes_path))
    idle = [p for p in probes if p.get("connections")]
    if idle:
        print("\n## Idle connections (after greeting and EHLO)\n")
        print("| server | connections | opened | still open | RSS before MB | RSS idle MB | KB per connection | failures |")
        print("|---|---:|---:|---:|---:|---:|---:|---|")
        for p in idle:
            mb = lambda k: f"{int(p[k]) / 1024:.1f}" if p.get(k, "-") != "-" else "-"
            print(f"| {p['server']} | {p['connections']} | {p['opened']} | {p['still_open']} | {mb('rss_before_kb')} "
                  f"| {mb('rss_idle_kb')} | {p['kb_per_connection']} | {p['failures']} |")
    big = [p for p in probes if p.get("body_bytes")]
    if big:
        print("\n## One large message\n")
        print("| server | body MB | reply | seconds | RSS before MB | RSS peak MB | RSS increase MB | limit MB | verdict |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|---|")
        for p in big:
            mb = lambda k: f"{int(p[k]) / 1024:.1f}"
            print(f"| {p['server']} | {int(p['body_bytes']) / 2**20:.0f} | {p['reply']} | {p['seconds']} | {mb('rss_before_kb')} "
                  f"| {mb('rss_peak_kb')} | {mb('rss_increase_kb')} | {mb('limit_kb')} | {p['verdict']} |")


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit("usage: summarize-compare.py RUNS PROBES ENVIRONMENT")
    main(*sys.argv[1:])
