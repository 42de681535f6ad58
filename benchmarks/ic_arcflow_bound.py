#!/usr/bin/env python3
"""An outside optimum / bound of the joint choice over EVERY route (issue #12, item 6).

usage: benchmarks/ic_arcflow_bound.py LAYERS.gpkg REQUESTS.csv OUT.lp [glpsol time limit s]

Writes the arc-flow MILP of the whole problem (CPLEX LP format) and solves it with GLPK's
glpsol: per request, a binary accept a_i and, per route (two for a diverse request), one unit of
flow on the links with enough free pairs, latency <= limit per route, a diverse pair with no
common link, attachment, shared-risk group, nor (to "dorsale") PoP; link capacities shared by
all. Maximises the accepted value. Requests infeasible alone (ic_audit's oracle) are left out.
Prints glpsol's best value and bound: an optimum (or a bound) over all routes that does not
use dorsale's code.
"""
import csv, subprocess, sys
from ic_audit import Net, project, fastest_route, fastest_pair


def main():
    gpkg, reqfile, lpfile = sys.argv[1:4]
    tlim = sys.argv[4] if len(sys.argv) > 4 else "300"
    net = Net(gpkg)
    reqs = list(csv.DictReader(open(reqfile, encoding="utf-8")))
    off = [r for r in reqs if not r["site"]]
    xy = dict(zip([r["id"] for r in off], project([(r["lon"], r["lat"]) for r in off])))
    free = {lid: l["free"] for lid, l in net.links.items()}
    obj, rows, binaries, cap = [], [], [], {}
    for i, r in enumerate(reqs):
        pairs, v = int(r["pairs"]), float(r["value"])
        lim = float(r["max_latency_ms"]) if r["max_latency_ms"] else None
        srcs, tg = net.sources(r, xy.get(r["id"])), net.targets(r["destination"])
        need = 2 if r["protection"] == "diverse" else 1
        t = fastest_pair(net, free, pairs, srcs, tg, r["destination"] == "dorsale") if need == 2 else fastest_route(net, free, pairs, srcs, tg)
        if t is None or (t != "cap" and lim is not None and t > lim + 1e-9):
            continue
        a = f"a{i}"
        binaries.append(a)
        obj.append(f"{v} {a}")
        # arcs: (name, from, to, latency, link or None, group key)
        arcs = []
        for lid, l in net.links.items():
            if free[lid] >= pairs:
                arcs.append((l["from"], l["to"], l["lat"], lid))
                arcs.append((l["to"], l["from"], l["lat"], lid))
        for s, alat, att in srcs:  # an on-network site: one zero-length arc both routes may take
            arcs.append(("SITE", s, alat, "att:" + s if att else None))
        sink = "SINK" if len(tg) > 1 else next(iter(tg))
        if len(tg) > 1:
            for p in tg:
                arcs.append((p, "SINK", 0.0, "sink:" + p))
        src = "SITE"
        per_link = {}
        groups = [{}, {}]
        for k in range(need):
            flow, lat = {}, []
            for j, (u, w, l_ms, key) in enumerate(arcs):
                if w == src or u == sink:
                    continue
                x = f"x{i}_{k}_{j}"
                binaries.append(x)
                flow.setdefault(u, []).append(f"+ {x}")
                flow.setdefault(w, []).append(f"- {x}")
                if l_ms:
                    lat.append(f"+ {l_ms:.9f} {x}")
                if key:
                    per_link.setdefault(key, []).append(x)
                if key in net.links:
                    cap.setdefault(key, []).append(f"+ {pairs} {x}")
                    g = net.links[key]["srg"]
                    if g:
                        groups[k].setdefault(g, []).append(x)
            for n, terms in flow.items():
                rhs = f"- {a} = 0" if n == src else (f"+ {a} = 0" if n == sink else "= 0")
                rows.append(" ".join(terms) + " " + rhs)
            if lim is not None and lat:
                rows.append(" ".join(lat) + f" <= {lim}")
        if need == 2:
            for key, xs in per_link.items():
                rows.append(" + ".join(xs) + " <= 1")
            for g, xs0 in groups[0].items():
                if g in groups[1]:
                    z0, z1 = f"z{i}_0_{abs(hash(g)) % 10**9}", f"z{i}_1_{abs(hash(g)) % 10**9}"
                    rows += [f"{x} - {z0} <= 0" for x in xs0] + [f"{x} - {z1} <= 0" for x in groups[1][g]]
                    rows.append(f"{z0} + {z1} <= 1")
    for lid, terms in cap.items():
        rows.append(" ".join(terms) + f" <= {free[lid]}")
    with open(lpfile, "w") as f:
        f.write("Maximize\n obj: " + " + ".join(obj) + "\nSubject To\n")
        for k, row in enumerate(rows):
            f.write(f" c{k}: {row}\n")
        f.write("Binary\n")
        for b in binaries:
            f.write(f" {b}\n")
        f.write("End\n")
    print(f"{len(binaries)} binaries, {len(rows)} rows")
    out = subprocess.run(["glpsol", "--lp", lpfile, "--tmlim", tlim, "-o", lpfile + ".sol"], capture_output=True, text=True).stdout
    print("\n".join(l for l in out.splitlines() if l.startswith(("+", "INTEGER", "TIME", "PROBLEM", "*")))[-2000:])


if __name__ == "__main__":
    main()
