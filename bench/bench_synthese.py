"""Regional synthesis speed: `cdv synthese` on 450 territories (copies of the examples with their
QPV spread over the whole list of 1,584), wall time and peak memory of the process tree; then the
draw time of carte.html in headless Chromium.

Prints figures; asserts nothing. Usage: python bench/bench_synthese.py [--copies 450]
Targets (issue 15): under 15 s, under 1 GB, map drawn in under 2 s.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))


Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def dump(data: dict) -> str:
    return yaml.dump(data, Dumper=Dumper, allow_unicode=True, sort_keys=False, width=1000)


def merged(folder: Path) -> dict:
    data: dict = {}
    for path in sorted(folder.glob("*.yaml")):
        data.update(yaml.load(path.read_text(encoding="utf-8"), Loader=Loader) or {})
    for sub in ("engagements", "tfpb", "quartiers"):
        for path in sorted((folder / sub).glob("*.yaml")) if (folder / sub).is_dir() else []:
            data.setdefault(sub, []).append(
                yaml.load(path.read_text(encoding="utf-8"), Loader=Loader)
            )
    return data


def make_copies(target: Path, count: int) -> int:
    from generator.description.reference import qpv_reference

    reference = qpv_reference()
    codes = sorted(reference)
    examples = [merged(p) for p in sorted((ROOT / "contracts").iterdir()) if p.is_dir()]
    texts = [dump(e) for e in examples]
    size, extra = divmod(len(codes), count)
    start = 0
    for i in range(count):
        chunk = codes[start : start + size + (1 if i < extra else 0)]
        start += len(chunk)
        example = examples[i % len(examples)]
        text = texts[i % len(examples)]
        old = [q["code"] for q in example["territoire"]["qpv"]]
        for n, code in enumerate(old):
            text = text.replace(code, chunk[n % len(chunk)])
        data = yaml.load(text, Loader=Loader)
        seen: set[str] = set()
        data["territoire"]["qpv"] = [
            q for q in data["territoire"]["qpv"] if not (q["code"] in seen or seen.add(q["code"]))
        ]
        # an example with fewer QPV than its share of the list gets the others too
        for code in chunk:
            if code not in seen:
                seen.add(code)
                extra_qpv = dict(data["territoire"]["qpv"][-1], code=code)
                extra_qpv["nom"] = reference[code].nom
                data["territoire"]["qpv"].append(extra_qpv)
        seen = set()
        data["quartiers"] = [
            q for q in data.get("quartiers", []) if not (q["qpv"] in seen or seen.add(q["qpv"]))
        ]
        communes = {}
        for code in chunk:
            for insee, nom in zip(reference[code].insee, reference[code].communes, strict=True):
                communes.setdefault(insee, nom)
        data["territoire"]["communes"] = [{"nom": n, "insee": c} for c, n in communes.items()]
        folder = target / f"territoire-{i:03d}"
        folder.mkdir()
        (folder / "contrat.yaml").write_text(dump(data), encoding="utf-8")
    return start


def tree_rss(pid: int) -> int:
    """Resident memory (bytes) of a process and all its descendants, from /proc."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            parents[int(entry)] = int(fields[1])
            rss[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            continue
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        total += rss.get(current, 0)
        stack.extend(p for p, parent in parents.items() if parent == current)
    return total


def run_synthesis(
    source: Path, output: Path
) -> tuple[float, float, int, subprocess.CompletedProcess]:
    """Wall time, processor time of the whole process tree (the workers are waited for by the
    command, so they count), peak memory of the tree, and the result."""
    command = [sys.executable, "-m", "generator", "synthese", str(source), "--sortie", str(output)]
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    peak = 0
    done = threading.Event()

    def watch() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, tree_rss(process.pid))
            time.sleep(0.05)

    watcher = threading.Thread(target=watch)
    watcher.start()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    stdout, stderr = process.communicate()
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    done.set()
    watcher.join()
    return (
        elapsed,
        cpu,
        peak,
        subprocess.CompletedProcess(command, process.returncode, stdout, stderr),
    )


def map_draw_ms(page: Path, profile: Path) -> tuple[int, int]:
    from chromium import Browser, chromium_path

    if chromium_path() is None:
        return -1, -1
    browser = Browser(profile)
    try:
        browser.send("Page.enable")
        browser.send("Page.navigate", url=page.as_uri())
        browser.wait_event("Page.loadEventFired", timeout=60)
        for _ in range(100):
            value = browser.evaluate("document.body.getAttribute('data-draw-ms')")
            if value:
                break
            time.sleep(0.05)
        paths = browser.evaluate("document.querySelectorAll('#map path').length")
        return int(value), paths
    finally:
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--copies", type=int, default=450)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "territoires"
        source.mkdir()
        qpv = make_copies(source, args.copies)
        load_before = os.getloadavg()[0]
        elapsed, cpu, peak, result = run_synthesis(source, Path(tmp) / "sortie")
        print(
            f"cdv synthese, {args.copies} territoires, {qpv} QPV : {elapsed:.2f} s (objectif < 15 s)"
        )
        load = os.getloadavg()[0]
        print(
            f"  temps processeur (tous processus) : {cpu:.1f} s sur {os.cpu_count()} cœurs ; "
            f"charge de la machine au départ : {load_before:.1f}, à la fin : {load:.1f}"
        )
        print(
            f"  mémoire maximale de l'arbre de processus : {peak / 2**20:.0f} Mo (objectif < 1 024 Mo)"
        )
        print(f"  code de sortie {result.returncode} ; {result.stdout.decode().splitlines()[-1]}")
        invalid = result.stderr.decode().count("✘")
        # QPV of a different legal frame (outre-mer) mixed into a copy make it invalid: it is
        # read, validated and summed up all the same
        print(f"  {invalid} territoire(s) signalé(s) non valide(s) sur {args.copies}")
        for name in sorted((Path(tmp) / "sortie").iterdir()):
            print(f"  {name.name} : {name.stat().st_size / 1024:.0f} Kio")
        ms, paths = map_draw_ms(Path(tmp) / "sortie" / "carte.html", Path(tmp) / "profil")
        if ms < 0:
            print("carte.html : chromium absent, temps d'affichage non mesuré")
        else:
            print(
                f"carte.html : {paths} QPV dessinés en {ms} ms après le début du chargement "
                "(objectif < 2 000 ms)"
            )


if __name__ == "__main__":
    main()
