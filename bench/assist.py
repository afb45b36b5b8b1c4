"""Assistant benchmark: are repeat warnings right, and quick on a big blog?

1. Quality, on the labelled set in bench/data/assist/ (fictional blogs; README there): every
   blog's entries are published through the service layer, then each draft is checked.
   Prints precision and recall of repeat warnings at the default threshold and a table of
   thresholds, and the key-point suggestions' extractive check.
2. Speed, on one blog of N published entries (default 10,000) made from the set's sentences
   with names and numbers changed: CPU time of the work done per entry written (fingerprint,
   bands), of recomputing the suggestions when the desk next looks, the time of one similarity
   check per draft (p50/p99), and memory.
3. The quote figures of bench/assist_quotes.py, when that module is there.

    .venv/bin/python bench/assist.py [--entries 10000] [--drafts 300]

Runs in-process on a temporary SQLite database (BULLETIN_DATABASE_URL to use another).
"""

from __future__ import annotations

import argparse
import os
import random
import re
import resource
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "bench" / "data" / "assist"
THRESHOLDS = (0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85)


@dataclass
class Item:
    kind: str  # E, R, F or N
    name: str  # E3; for drafts the entry they refer to
    headline: str
    key_event: bool = False
    at: str = ""
    paragraphs: list[str] = field(default_factory=list)

    @property
    def body(self) -> str:
        return "".join(f"<p>{p}</p>" for p in self.paragraphs)


ITEM = re.compile(r"^## (?:(E\d+)( \[key\])? (\d\d:\d\d)|([RF]) (E\d+)|(N)) \| (.+)$")


def load(path: Path) -> list[Item]:
    items: list[Item] = []
    for line in path.read_text().splitlines():
        if line.startswith("## "):
            match = ITEM.match(line)
            if match is None:
                raise SystemExit(f"{path.name}: cannot read {line!r}")
            entry, key, at, label, target, new, headline = match.groups()
            if entry:
                items.append(Item("E", entry, headline, key_event=bool(key), at=at))
            else:
                items.append(Item(label or new, target or "", headline))
        elif line.strip() and not line.startswith("# ") and items:
            items[-1].paragraphs.append(line.strip())
    return items


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def spread(seconds: list[float]) -> str:
    """p50 and p99 in milliseconds."""
    return (
        f"p50 {statistics.median(seconds) * 1000:.1f} ms, "
        f"p99 {percentile(seconds, 0.99) * 1000:.1f} ms"
    )


def setup_django() -> None:
    if "BULLETIN_DATABASE_URL" not in os.environ:
        folder = tempfile.mkdtemp(prefix="bulletin-assist-bench-")
        os.environ["BULLETIN_DATA_DIR"] = folder
        os.environ["BULLETIN_DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bulletin.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, skip_checks=True)


def quality() -> list[str]:
    from bulletin.accounts.models import User
    from bulletin.assist import keypoints, repeats
    from bulletin.assist.models import DEFAULT_REPEAT_THRESHOLD
    from bulletin.blogs import services
    from bulletin.blogs.fields import BlogFields, EntryFields
    from bulletin.blogs.models import Entry

    user = User.objects.create_user("bench-quality", password="x", is_staff=True)  # noqa: S106
    day = datetime(2026, 3, 4, tzinfo=datetime.now().astimezone().tzinfo)
    results: list[tuple[str, bool, list[tuple[float, str]]]] = []  # label, has-target, scores
    entries = drafts = extractive = suggested = 0
    files = sorted(DATA.glob("*.txt"))
    for path in files:
        items = load(path)
        blog = services.go_live(
            user, services.create_blog(user, BlogFields(slug=path.stem, title=path.stem))
        )
        ids: dict[str, int] = {}
        when = day
        for item in items:
            if item.kind != "E":
                continue
            hour, minute = map(int, item.at.split(":"))
            # Coverage that runs past midnight goes on the next day.
            when = when.replace(hour=hour, minute=minute) + timedelta(days=hour < when.hour)
            entry = services.publish_entry(
                user,
                blog,
                EntryFields(
                    headline=item.headline,
                    body=item.body,
                    display_at=when,
                    key_event=item.key_event,
                ),
            )
            ids[item.name] = entry.pk
            entries += 1
        names = {pk: name for name, pk in ids.items()}
        for item in items:
            if item.kind == "E":
                continue
            drafts += 1
            found = repeats.scored(blog.pk, item.headline, item.body)
            scores = [(r.score, names[r.entry_id]) for r in found]
            results.append((item.kind, item.kind == "R", [(s, n) for s, n in scores if True]))
            results[-1] = (item.kind + ":" + item.name, item.kind == "R", scores)
        texts = {pk: Entry.objects.get(pk=pk).body for pk in ids.values()}
        for suggestion in keypoints.current(blog.pk):  # as the desk reads them
            if os.environ.get("BENCH_VERBOSE"):
                print(f"  {blog.slug}: {suggestion.text} {suggestion.entry_ids}")
            suggested += 1
            source = texts[suggestion.entry_ids[0]]
            extractive += suggestion.text.rstrip(".") in source
    lines = [
        f"labelled set: {len(files)} blogs, {entries} published entries, {drafts} drafts "
        f"({sum(r[1] for r in results)} reworded repeats, "
        f"{sum(r[0].startswith('F') for r in results)} follow-ups with new facts, "
        f"{sum(r[0].startswith('N') for r in results)} new subjects)",
        "threshold  precision  recall  (repeats: warned with the right entry / warned / repeats)",
    ]
    chosen = ""
    for threshold in sorted({*THRESHOLDS, DEFAULT_REPEAT_THRESHOLD}):
        warned = right = 0
        for label, is_repeat, scores in results:
            above = [name for score, name in scores if score >= threshold]
            if above:
                warned += 1
                right += is_repeat and label.split(":")[1] in above
        repeats_total = sum(r[1] for r in results)
        precision = right / warned if warned else 1.0
        recall = right / repeats_total if repeats_total else 1.0
        mark = "  <- default" if threshold == DEFAULT_REPEAT_THRESHOLD else ""
        lines.append(f"  {threshold:.2f}      {precision:.3f}     {recall:.3f}{mark}")
        if mark:
            chosen = f"repeats at {threshold}: precision {precision:.3f}, recall {recall:.3f}"
    lines.insert(1, chosen)
    misses = []
    for label, is_repeat, scores in results:
        best = max(scores, default=(0.0, "-"))
        wrong = (best[0] >= DEFAULT_REPEAT_THRESHOLD) != is_repeat
        if wrong:
            misses.append(f"    {label}: best {best[1]} {best[0]:.2f}")
    if misses and os.environ.get("BENCH_VERBOSE"):
        lines += ["  wrong at the default:", *misses]
    lines.append(
        f"key-point suggestions: {suggested} over {len(files)} blogs, "
        f"{extractive} of them word for word from their first source entry"
    )
    return lines


NAMES = [
    "Kessport",
    "Dunmere",
    "Veloria",
    "Arvant",
    "Tamsey",
    "Okafor",
    "Ferro",
    "Lindqvist",
    "Marsh",
    "Calder",
    "Brennan",
    "Osei",
    "Halvorsen",
    "Quay",
    "Northgate",
    "Ribeiro",
]


def vary(sentence: str, rng: random.Random) -> str:
    """The sentence with its numbers and some capitalised words replaced."""
    sentence = re.sub(r"\d+", lambda m: str(rng.randrange(1, 5000)), sentence)
    return re.sub(
        r"(?<=\s)[A-Z][a-z]{3,}",
        lambda m: rng.choice(NAMES) if rng.random() < 0.5 else m.group(0),
        sentence,
    )


def speed(count: int, checks: int) -> list[str]:
    from django.db import connection

    from bulletin.accounts.models import User
    from bulletin.assist import keypoints, prints, repeats
    from bulletin.blogs import services
    from bulletin.blogs.fields import BlogFields
    from bulletin.blogs.models import Entry, EntryStatus

    rng = random.Random(7)  # noqa: S311  (a repeatable sample, not a secret)
    pool = [
        (item.headline, item.paragraphs)
        for path in sorted(DATA.glob("*.txt"))
        for item in load(path)
        if item.paragraphs
    ]
    sentences = [s for _h, paragraphs in pool for p in paragraphs for s in re.split(r"(?<=\.) ", p)]
    user = User.objects.create_user("bench-speed", password="x", is_staff=True)  # noqa: S106
    blog = services.go_live(
        user, services.create_blog(user, BlogFields(slug="speed", title="A very long blog"))
    )
    start = datetime.now().astimezone() - timedelta(minutes=count)
    written: list[float] = []
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for n in range(count):
        headline, _paragraphs = rng.choice(pool)
        body = " ".join(vary(rng.choice(sentences), rng) for _ in range(rng.randint(2, 4)))
        entry = Entry.objects.create(
            blog=blog,
            headline=vary(headline, rng),
            body=f"<p>{body}</p>",
            status=EntryStatus.PUBLISHED,
            display_at=start + timedelta(minutes=n),
            published_at=start + timedelta(minutes=n),
            is_key_event=rng.random() < 0.05,
        )
        began = time.process_time()
        prints.entry_written(sender=Entry, entry=entry)
        written.append(time.process_time() - began)
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    # The suggestions: a write only marks them due; the desk's next look recomputes them.
    recomputed: list[float] = []
    for _ in range(20):
        keypoints.mark_due(blog.pk)
        began = time.process_time()
        list(keypoints.current(blog.pk))
        recomputed.append(time.process_time() - began)
    drafts = []
    for _ in range(checks):
        headline, paragraphs = rng.choice(pool)
        drafts.append((headline, "".join(f"<p>{vary(p, rng)}</p>" for p in paragraphs)))
    repeats.scored(blog.pk, *drafts[0])  # warm the database's caches once
    wall: list[float] = []
    cpu: list[float] = []
    for headline, body in drafts:
        began, began_cpu = time.perf_counter(), time.process_time()
        repeats.similar(blog, headline, body)
        wall.append(time.perf_counter() - began)
        cpu.append(time.process_time() - began_cpu)
    rows = Entry.objects.filter(blog=blog).count()
    return [
        f"speed: one blog of {rows} published entries ({connection.vendor}; load average "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)",
        f"  work per entry written (fingerprint, bands; suggestions marked due), CPU: "
        f"{spread(written)}",
        f"  suggestions recomputed at the desk's next look (20 looks), CPU: {spread(recomputed)}",
        f"  similarity check per draft ({checks} drafts), wall: {spread(wall)}; CPU: {spread(cpu)}",
        f"  memory: peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB "
        f"(grew {grown / 1024:.0f} MB while writing {count} entries)",
    ]


def quotes() -> list[str]:
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import assist_quotes
    except ModuleNotFoundError:
        return []
    return list(assist_quotes.report())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--drafts", type=int, default=300)
    parser.add_argument("--quality-only", action="store_true")
    args = parser.parse_args()
    setup_django()
    for line in quality():
        print(line, flush=True)
    if not args.quality_only:
        for line in speed(args.entries, args.drafts):
            print(line, flush=True)
    for line in quotes():
        print(line, flush=True)


if __name__ == "__main__":
    main()
