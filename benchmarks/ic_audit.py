#!/usr/bin/env python3
"""Audit of `dorsale interconnect` answers against independent recomputation (issue #12 figures).

usage: benchmarks/ic_audit.py LAYERS.gpkg REQUESTS.csv DECISIONS.json fcfs|optimal

LAYERS.gpkg: the layers.gpkg of a `dorsale run` of the same scenario (network_nodes, network_links
with the initial free pairs). Parameters are the defaults (`dorsale params --markdown`). Prints:
  item 1: planned links whose build cost is charged to more than one request, and the euros
          charged above their true build cost (the capex of each request, less its new-build
          attachments, matched to a subset of the planned links on its routes);
  item 3: route links whose free_pairs_after differs from a replay of the accepted requests in
          queue order (submission date, ties in file order);
  item 4: latency figures quoted in rejection reasons that differ from the fastest route (or
          shared-risk-disjoint pair, slower route) under the capacity left, recomputed here
          (Dijkstra; for a pair, an A* enumeration of simple paths in latency order), and,
          when the reason names its route, from the latency of the links it names;
  item 6: accepted count and value.
Standard library only, plus ogr2ogr and gdaltransform (GDAL) to read the network.
"""
import csv, heapq, io, itertools, json, math, re, subprocess, sys

BUILD_EUR_PER_KM, LAT_US_PER_KM, DETOUR, CANDIDATES, MAX_KM = 40000.0, 4.9, 1.3, 3, 40.0
TOL_MS = 6e-4


def layer(gpkg, name, xy=False):
    cmd = ["ogr2ogr", "-f", "CSV", "/vsistdout/", gpkg, name] + (["-lco", "GEOMETRY=AS_XY"] if xy else [])
    return list(csv.DictReader(io.StringIO(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)))


def project(lonlat):
    if not lonlat:
        return []
    inp = "".join(f"{lon} {lat}\n" for lon, lat in lonlat)
    out = subprocess.run(["gdaltransform", "-s_srs", "EPSG:4326", "-t_srs", "EPSG:2154"], input=inp,
                         check=True, capture_output=True, text=True).stdout.split("\n")
    return [tuple(map(float, l.split()[:2])) for l in out if l.strip()]


class Net:
    def __init__(self, gpkg):
        self.nodes = {n["id"]: n for n in layer(gpkg, "network_nodes", xy=True)}
        self.links = {l["id"]: l for l in layer(gpkg, "network_links")}
        self.adj = {n: [] for n in self.nodes}
        for l in self.links.values():
            l["lat"] = float(l["latency_ms"]); l["free"] = int(l["pairs_free"])
            l["cost"] = float(l["build_eur_per_km"]) * float(l["length_km"])
            self.adj[l["from"]].append(l["id"]); self.adj[l["to"]].append(l["id"])

    def other(self, lid, v):
        l = self.links[lid]
        return l["to"] if l["from"] == v else l["from"]

    def targets(self, dest):
        if dest == "dorsale":
            return {n for n, d in self.nodes.items() if d["kind"] == "dorsale_pop"}
        for n, d in self.nodes.items():
            if d["kind"] == "external_hub" and (d["name"] == dest or "hub:" + d["name"] == dest):
                return {n}
        return {dest}

    def sources(self, req, xy):
        """(start node, attachment latency, attachment node or None) for each way in."""
        if req["site"]:
            return [(req["site"], 0.0, None)]
        near = []
        for n, d in self.nodes.items():
            if d["kind"] in ("external_hub", "high_point"):
                continue
            km = math.hypot(float(d["X"]) - xy[0], float(d["Y"]) - xy[1]) / 1000
            if km <= MAX_KM:
                near.append((km, n))
        near.sort()
        return [(n, km * DETOUR * LAT_US_PER_KM / 1000, n) for km, n in near[:CANDIDATES]]


def fastest_route(net, free, pairs, srcs, targets):
    dist, pq = {}, [(a, s) for s, a, _ in srcs]
    heapq.heapify(pq)
    while pq:
        d, v = heapq.heappop(pq)
        if v in dist:
            continue
        dist[v] = d
        if v in targets:
            return d
        for lid in net.adj[v]:
            if free[lid] >= pairs:
                heapq.heappush(pq, (d + net.links[lid]["lat"], net.other(lid, v)))
    return None


def single_cut(net, free, pairs, srcs, targets):
    """True when one link or one shared-risk group lies on every route: no disjoint pair."""
    groups = {}
    for lid, l in net.links.items():
        groups.setdefault(l["srg"] or "link:" + lid, set()).add(lid)
    for members in groups.values():
        seen, stack = set(), [s for s, _, _ in srcs]
        while stack:
            v = stack.pop()
            if v in seen:
                continue
            seen.add(v)
            for lid in net.adj[v]:
                if free[lid] >= pairs and lid not in members:
                    stack.append(net.other(lid, v))
        if not seen & targets:
            return True
    return False


def fastest_pair(net, free, pairs, srcs, targets, any_pop, limit=400000):
    """Smallest worst latency of a link- and risk-disjoint pair; None if none; 'cap' if unknown."""
    if single_cut(net, free, pairs, srcs, targets):
        return None
    h, pq = {}, [(0.0, t) for t in targets]  # latency to the nearest target (admissible)
    while pq:
        d, v = heapq.heappop(pq)
        if v in h:
            continue
        h[v] = d
        for lid in net.adj[v]:
            if free[lid] >= pairs:
                heapq.heappush(pq, (d + net.links[lid]["lat"], net.other(lid, v)))
    found, pq, n = [], [], 0
    for s, a, att in srcs:
        if s in h:
            pq.append((a + h[s], a, s, (), (s,), att))
    heapq.heapify(pq)
    while pq:
        n += 1
        if n > limit:
            return "cap"
        f, g, v, links, on, att = heapq.heappop(pq)
        if v in targets:
            srg = {net.links[l]["srg"] for l in links if net.links[l]["srg"]}
            for (l2, s2, a2, e2) in found:
                if set(links) & l2 or srg & s2 or (att and att == a2) or (any_pop and e2 == v):
                    continue
                return g  # paths come out in latency order: this is the pair's slower route
            found.append((set(links), srg, att, v))
            if not any_pop:
                continue
        for lid in net.adj[v]:
            u = net.other(lid, v)
            if free[lid] >= pairs and u not in on and u in h:
                g2 = g + net.links[lid]["lat"]
                heapq.heappush(pq, (g2 + h[u], g2, u, links + (lid,), on + (u,), att))
    return None


def named_latency(net, text):
    out = []
    for part in re.split(r"; route 2: ", text):
        lat = 0.0
        m = re.search(r"links ([^;]+)", part)
        if m:
            lat += sum(net.links[i.strip()]["lat"] for i in m.group(1).split(","))
        m = re.search(r"([0-9.]+) km new build to", part)
        if m:
            lat += float(m.group(1)) * LAT_US_PER_KM / 1000
        out.append(lat)
    return max(out)


def main():
    gpkg, reqfile, decfile, mode = sys.argv[1:5]
    net = Net(gpkg)
    reqs = list(csv.DictReader(open(reqfile, encoding="utf-8")))
    decs = {d["id"]: d for d in json.load(open(decfile))}
    off = [r for r in reqs if not r["site"]]
    xy = dict(zip([r["id"] for r in off], project([(r["lon"], r["lat"]) for r in off])))
    order = sorted(range(len(reqs)), key=lambda i: (reqs[i]["submitted"], i))
    free0 = {lid: l["free"] for lid, l in net.links.items()}
    free = dict(free0)
    charged, fp_bad, fp_all = {}, 0, 0
    lat_quoted = lat_wrong = lat_named_wrong = lat_unknown = 0
    accepted = value = 0
    for i in order:
        r, d = reqs[i], decs[reqs[i]["id"]]
        pairs = int(r["pairs"])
        if d["decision"] == "reject":
            state = free if mode == "fcfs" else free0
            for why in d["reasons"]:
                old = re.search(r"latency ([0-9.]+) ms of the fastest route( pair)?", why)
                new = re.search(r"the fastest (route|shared-risk-disjoint pair|link-disjoint pair) (under the capacity left|whatever the capacity) \((.*)\) takes ([0-9.]+) ms", why)
                if not (old or new):
                    continue
                lat_quoted += 1
                quoted = float(old.group(1) if old else new.group(4))
                if new and new.group(2) == "whatever the capacity":
                    state = {l: max(f, pairs) for l, f in state.items()}
                pair = bool(old.group(2)) if old else new.group(1) != "route"
                srcs, tg = net.sources(r, xy.get(r["id"])), net.targets(r["destination"])
                truth = (fastest_pair(net, state, pairs, srcs, tg, r["destination"] == "dorsale") if pair
                         else fastest_route(net, state, pairs, srcs, tg))
                if truth == "cap":
                    lat_unknown += 1
                elif truth is None or abs(truth - quoted) > TOL_MS:
                    lat_wrong += 1
                    print(f"  item 4: {r['id']}: quotes {quoted:.3f} ms, true "
                          f"{'no disjoint pair' if truth is None else f'{truth:.3f} ms'}: {why[:90]}")
                if new and abs(named_latency(net, new.group(3)) - quoted) > TOL_MS:
                    lat_named_wrong += 1
            continue
        accepted += 1
        value += float(r["value"])
        used = []
        for route in d["route_links"]:
            for rl in route:
                if rl["id"] in net.links and rl["id"] not in used:
                    used.append(rl["id"])
        for lid in used:
            free[lid] -= pairs
        for route in d["route_links"]:
            for rl in route:
                if rl["id"] in net.links:
                    fp_all += 1
                    fp_bad += rl["free_pairs_after"] != free[rl["id"]]
        residual = d["cost_eur"]["capex"] - d["new_build_km"] * BUILD_EUR_PER_KM
        planned = [l for l in used if net.links[l]["status"] == "planned"]
        match = None
        for k in range(len(planned), -1, -1):
            for sub in itertools.combinations(planned, k):
                if abs(sum(net.links[l]["cost"] for l in sub) - residual) < 1.0:
                    match = sub
                    break
            if match is not None:
                break
        if match is None:
            print(f"  item 1: {r['id']}: capex residual {residual:.0f} EUR matches no set of its planned links")
            match = ()
        for l in match:
            charged.setdefault(l, []).append(r["id"])
    multi = {l: ids for l, ids in charged.items() if len(ids) > 1}
    extra = sum((len(ids) - 1) * net.links[l]["cost"] for l, ids in multi.items())
    for l, ids in sorted(multi.items()):
        print(f"  item 1: {l} ({net.links[l]['cost']:.0f} EUR) charged to {', '.join(ids)}")
    print(f"item 1: planned links built {len(charged)}, charged more than once {len(multi)}, "
          f"EUR above their build cost {extra:.0f}")
    print(f"item 3: route links {fp_all}, free_pairs_after differing from the replay {fp_bad}")
    print(f"item 4: latency figures quoted {lat_quoted}, not the fastest under the capacity left {lat_wrong}, "
          f"undetermined {lat_unknown}, differing from the route named {lat_named_wrong}")
    # an outside bound over every route: the value of the requests that are feasible alone on
    # the initial network (a fastest route / pair within capacity and latency), competition aside
    alone = unknown = 0.0
    for r in reqs:
        pairs, lim = int(r["pairs"]), float(r["max_latency_ms"]) if r["max_latency_ms"] else 1e18
        srcs, tg = net.sources(r, xy.get(r["id"])), net.targets(r["destination"])
        t = (fastest_pair(net, free0, pairs, srcs, tg, r["destination"] == "dorsale") if r["protection"] == "diverse"
             else fastest_route(net, free0, pairs, srcs, tg))
        if t == "cap":
            unknown += float(r["value"])
        elif t is not None and t <= lim + 1e-9:
            alone += float(r["value"])
    print(f"item 6: accepted {accepted}, value {value:g}; outside bound (value of the requests feasible alone) "
          f"{alone + unknown:g} ({unknown:g} of it undetermined)")


if __name__ == "__main__":
    main()
