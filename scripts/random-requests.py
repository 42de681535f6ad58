#!/usr/bin/env python3
"""Random interconnection requests on a built network (issue #12 figures).

usage: scripts/random-requests.py LAYERS.gpkg N SEED > requests.csv

LAYERS.gpkg is the layers.gpkg of any `dorsale run` (its network_nodes layer gives the node ids).
Same N and SEED, same file. Sites: NROs, data centres, PoPs, or (15 %) a position off the network;
destinations: any Dorsale PoP (50 %), a hub (30 %) or a PoP / data centre; 1..8 pairs; a third
diverse (mostly from PoPs); 20 % with a latency limit of 0.3..3 ms; value 1..3.
"""
import csv, io, random, subprocess, sys

def nodes(gpkg):
    out = subprocess.run(["ogr2ogr", "-f", "CSV", "/vsistdout/", gpkg, "network_nodes"],
                         check=True, capture_output=True, text=True).stdout
    return list(csv.DictReader(io.StringIO(out)))

def main():
    gpkg, n, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    rng = random.Random(seed)
    ns = nodes(gpkg)
    sites = [x["id"] for x in ns if x["kind"] in ("nro", "data_centre", "dorsale_pop")]
    pops = [x["id"] for x in ns if x["kind"] == "dorsale_pop"]
    targets = [x["id"] for x in ns if x["kind"] in ("dorsale_pop", "data_centre")]
    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow(["id", "requester", "site", "lon", "lat", "destination", "pairs", "protection",
                "max_latency_ms", "horizon_years", "submitted", "value"])
    for i in range(n):
        diverse = rng.random() < 0.33
        site, lon, lat = "", "", ""
        if diverse and rng.random() < 0.7:
            site = rng.choice(pops)
        elif rng.random() < 0.15:
            lon, lat = f"{rng.uniform(3.2, 6.8):.4f}", f"{rng.uniform(46.4, 48.0):.4f}"
        else:
            site = rng.choice(sites)
        d = rng.random()
        dest = "dorsale" if d < 0.5 else rng.choice(["Paris", "Lyon", "Strasbourg"]) if d < 0.8 else rng.choice(targets)
        if dest == site:
            dest = "dorsale"
        lim = f"{rng.uniform(0.3, 3.0):.3f}" if rng.random() < 0.2 else ""
        day = 1 + i  # one request a day from 2019-01-01
        date = f"2019-{1 + (day - 1) // 28:02d}-{1 + (day - 1) % 28:02d}" if day <= 12 * 28 else "2019-12-31"
        w.writerow([f"Q{i:03d}", "random", site, lon, lat, dest, 1 + rng.randrange(8),
                    "diverse" if diverse else "none", lim, 5 + rng.randrange(11), date, 1 + rng.randrange(3)])

main()
