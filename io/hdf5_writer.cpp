#include "io/hdf5_writer.h"

#include <fmt/format.h>
#include <hdf5.h>
#include <hdf5_hl.h>

#include "io/hdf5_util.h"
#include "io/spelling.h"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

namespace dorsale::viz {

namespace {

void check(herr_t e, const std::string& what) { h5_check(e, what); }

struct Writer {
  hid_t gcpl, dcpl;

  hid_t group(hid_t parent, const std::string& name) const {
    hid_t g = H5Gcreate2(parent, name.c_str(), H5P_DEFAULT, gcpl, H5P_DEFAULT);
    if (g < 0) throw std::runtime_error("HDF5: cannot create group " + name);
    return g;
  }

  void attr_str(hid_t obj, const std::string& name, const std::string& value) const {
    Hid type(H5Tcopy(H5T_C_S1), H5Tclose, "copy type");
    check(H5Tset_size(type, value.empty() ? 1 : value.size()), "size string");
    check(H5Tset_cset(type, H5T_CSET_UTF8), "set utf8");
    Hid space(H5Screate(H5S_SCALAR), H5Sclose, "create space");
    Hid a(H5Acreate2(obj, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose, "create attribute " + name);
    check(H5Awrite(a, type, value.empty() ? "" : value.c_str()), "write attribute " + name);
  }

  void attr_f64(hid_t obj, const std::string& name, double v) const {
    Hid space(H5Screate(H5S_SCALAR), H5Sclose, "create space");
    Hid a(H5Acreate2(obj, name.c_str(), H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose, "create attribute " + name);
    check(H5Awrite(a, H5T_NATIVE_DOUBLE, &v), "write attribute " + name);
  }

  void attr_i64(hid_t obj, const std::string& name, std::int64_t v) const {
    Hid space(H5Screate(H5S_SCALAR), H5Sclose, "create space");
    Hid a(H5Acreate2(obj, name.c_str(), H5T_STD_I64LE, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose, "create attribute " + name);
    check(H5Awrite(a, H5T_NATIVE_INT64, &v), "write attribute " + name);
  }

  template <class T>
  void dataset(hid_t parent, const std::string& name, const std::vector<T>& data,
               const std::vector<hsize_t>& dims, const std::string& units, const std::string& doc) const {
    hid_t file_type, mem_type;
    if constexpr (std::is_same_v<T, double>) {
      file_type = H5T_IEEE_F64LE;
      mem_type = H5T_NATIVE_DOUBLE;
    } else if constexpr (std::is_same_v<T, std::int64_t>) {
      file_type = H5T_STD_I64LE;
      mem_type = H5T_NATIVE_INT64;
    } else {
      static_assert(std::is_same_v<T, std::int32_t>);
      file_type = H5T_STD_I32LE;
      mem_type = H5T_NATIVE_INT32;
    }
    Hid space(H5Screate_simple(int(dims.size()), dims.data(), nullptr), H5Sclose, "create space");
    Hid d(H5Dcreate2(parent, name.c_str(), file_type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT), H5Dclose,
          "create dataset " + name);
    if (!data.empty()) check(H5Dwrite(d, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data.data()), "write " + name);
    attr_str(d, "units", units);
    attr_str(d, "description", doc);
  }

  void strings(hid_t parent, const std::string& name, const std::vector<std::string>& v, const std::string& doc) const {
    Hid type(H5Tcopy(H5T_C_S1), H5Tclose, "copy type");
    check(H5Tset_size(type, H5T_VARIABLE), "vlen string");
    check(H5Tset_cset(type, H5T_CSET_UTF8), "set utf8");
    hsize_t n = v.size();
    Hid space(H5Screate_simple(1, &n, nullptr), H5Sclose, "create space");
    Hid d(H5Dcreate2(parent, name.c_str(), type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT), H5Dclose, "create dataset " + name);
    std::vector<const char*> ptrs;
    for (const auto& s : v) ptrs.push_back(s.c_str());
    if (!ptrs.empty()) check(H5Dwrite(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()), "write " + name);
    attr_str(d, "units", "");
    attr_str(d, "description", doc);
  }
};

// ---- the scenario group ----

// The scenario group's attributes: where the scenario and the region come from.
void write_provenance(const Writer& w, hid_t g, const Region& region, const RunInfo& info) {
  w.attr_str(g, "scenario_file", info.scenario_file);
  w.attr_str(g, "scenario_hash", info.scenario_hash);
  w.attr_i64(g, "seed", std::int64_t(info.seed));
  w.attr_str(g, "region_source", region.provenance.source);
  w.attr_str(g, "geography", region.provenance.geography);
  w.attr_str(g, "overridden_parameters", fmt::format("{}", fmt::join(info.overridden_parameters, ",")));
}

// ---- communes ----

// The communes' own data (names, places, counts, flags), one dataset per field.
void write_commune_fields(const Writer& w, hid_t cg, const std::vector<Commune>& C) {
  const hsize_t n = C.size();
  std::vector<std::string> code, name, dep, zone, actor, nro;
  std::vector<double> lon, lat, x, y;
  std::vector<std::int64_t> pop, prem, dwell, bus, ftth_passed, radio;
  std::vector<std::int32_t> year, rural, mountain;
  for (const auto& c : C) {
    code.push_back(c.code);
    name.push_back(c.name);
    dep.push_back(c.departement);
    zone.push_back(io::spell(c.zone));
    actor.push_back(c.ftth_plan.actor);
    nro.push_back(c.nro);
    lon.push_back(c.centroid.lon);
    lat.push_back(c.centroid.lat);
    x.push_back(c.centroid.x);
    y.push_back(c.centroid.y);
    pop.push_back(c.population);
    prem.push_back(c.premises());
    dwell.push_back(c.dwellings);
    bus.push_back(c.business_sites);
    ftth_passed.push_back(c.ftth_passed);
    radio.push_back(c.thd_radio_premises);
    year.push_back(c.ftth_plan.year);
    rural.push_back(c.rural);
    mountain.push_back(c.mountain);
  }
  w.strings(cg, "code", code, "INSEE code");
  w.strings(cg, "name", name, "commune name");
  w.strings(cg, "departement", dep, "département code");
  w.strings(cg, "zone", zone, "FttH zone: amii, amel, rip, unknown");
  w.strings(cg, "ftth_actor", actor, "who deploys FttH (empty: unknown)");
  w.strings(cg, "nro", nro, "id of the serving NRO node (empty: none)");
  w.dataset(cg, "lon", lon, {n}, "degree_east", "centroid longitude, EPSG:4326");
  w.dataset(cg, "lat", lat, {n}, "degree_north", "centroid latitude, EPSG:4326");
  w.dataset(cg, "x", x, {n}, "m", "centroid x, Lambert-93 (EPSG:2154)");
  w.dataset(cg, "y", y, {n}, "m", "centroid y, Lambert-93 (EPSG:2154)");
  w.dataset(cg, "population", pop, {n}, "inhabitants", "population");
  w.dataset(cg, "premises", prem, {n}, "premises", "dwellings + business sites");
  w.dataset(cg, "dwellings", dwell, {n}, "premises", "dwellings");
  w.dataset(cg, "business_sites", bus, {n}, "premises", "business sites");
  w.dataset(cg, "ftth_passed", ftth_passed, {n}, "premises", "FttH premises passed as the source counts them");
  w.dataset(cg, "thd_radio_premises", radio, {n}, "premises", "premises eligible to THD radio");
  w.dataset(cg, "ftth_year", year, {n}, "year", "year FttH is planned complete (0: unknown)");
  w.dataset(cg, "rural", rural, {n}, "1", "rural flag (0/1)");
  w.dataset(cg, "mountain", mountain, {n}, "1", "mountain flag (0/1)");
}

// /<scenario>/years: the years of every per-year dataset.
void write_years(const Writer& w, hid_t g, const CommuneStates& st) {
  const hsize_t ny = st.years.size();
  std::vector<std::int32_t> years(st.years.begin(), st.years.end());
  w.dataset(g, "years", years, {ny}, "year", "years of the per-year datasets (end of year)");
}

// premises_by_band [year, commune, band], with the band names as an attribute.
void write_commune_states(const Writer& w, hid_t cg, const CommuneStates& st, hsize_t n) {
  const hsize_t ny = st.years.size();
  std::vector<std::int64_t> states;
  states.reserve(ny * n * kBandCount);
  for (const auto& ys : st.states)
    for (const auto& c : ys) states.insert(states.end(), c.begin(), c.end());
  w.dataset(cg, "premises_by_band", states, {ny, n, hsize_t(kBandCount)}, "premises",
            "premises by band [year, commune, band]; bands: below_3, 3_8, 8_30, thd_non_ftth, ftth");
  Hid d(H5Dopen2(cg, "premises_by_band", H5P_DEFAULT), H5Dclose, "open dataset");
  w.attr_str(d, "bands", "below_3,3_8,8_30,thd_non_ftth,ftth");
}

// The group communes, and /<scenario>/years (written between the two, as the file always had).
void write_communes(const Writer& w, hid_t g, const Region& region, const CommuneStates& st) {
  Hid cg(w.group(g, "communes"), H5Gclose, "group");
  write_commune_fields(w, cg, region.communes);
  write_years(w, g, st);
  write_commune_states(w, cg, st, region.communes.size());
}

void write_departements(const Writer& w, hid_t g, const Region& region, const CommuneStates& st) {
  const auto& C = region.communes;
  Hid dg(w.group(g, "departements"), H5Gclose, "group");
  std::vector<std::string> code;
  for (const auto& d : region.departements) code.push_back(d.code);
  const hsize_t nd = code.size(), ny = st.years.size();
  std::vector<std::int64_t> agg(ny * nd * kBandCount, 0);
  for (std::size_t y = 0; y < ny; ++y)
    for (std::size_t i = 0; i < C.size(); ++i) {
      std::size_t d = std::find(code.begin(), code.end(), C[i].departement) - code.begin();
      for (int b = 0; b < kBandCount; ++b) agg[(y * nd + d) * kBandCount + b] += st.states[y][i][b];
    }
  w.strings(dg, "code", code, "département code");
  w.dataset(dg, "premises_by_band", agg, {ny, nd, hsize_t(kBandCount)}, "premises",
            "premises by band [year, département, band], sums of the communes");
}

// ---- network ----

void write_network_nodes(const Writer& w, hid_t ng, const Network& net) {
  std::vector<std::string> nid, nname, nkind;
  std::vector<double> nx, ny;
  for (const auto& nd : net.nodes()) {
    nid.push_back(nd.id);
    nname.push_back(nd.name);
    nkind.push_back(io::spell(nd.kind));
    nx.push_back(nd.pos.x);
    ny.push_back(nd.pos.y);
  }
  const hsize_t nn = nid.size();
  w.strings(ng, "node_id", nid, "node id");
  w.strings(ng, "node_name", nname, "node name");
  w.strings(ng, "node_kind", nkind, "dorsale_pop, external_hub, nro, high_point, data_centre, junction");
  w.dataset(ng, "node_x", nx, {nn}, "m", "Lambert-93 x");
  w.dataset(ng, "node_y", ny, {nn}, "m", "Lambert-93 y");
}

void write_network_links(const Writer& w, hid_t ng, const Network& net) {
  std::vector<std::string> lid, lfrom, lto, lowner, lstatus, lsrg;
  std::vector<double> len, lease, build, lat;
  std::vector<std::int32_t> total, used, dors;
  for (const auto& l : net.links()) {
    lid.push_back(l.id);
    lfrom.push_back(net.node(l.a).id);
    lto.push_back(net.node(l.b).id);
    lowner.push_back(l.owner);
    lstatus.push_back(io::spell(l.status));
    lsrg.push_back(l.srg);
    len.push_back(l.length_km);
    lease.push_back(l.lease_eur_per_pair_km_year);
    build.push_back(l.build_eur_per_km);
    lat.push_back(l.latency_ms);
    total.push_back(l.pairs_total);
    used.push_back(l.pairs_used);
    dors.push_back(l.dorsale);
  }
  const hsize_t nl = lid.size();
  w.strings(ng, "link_id", lid, "link id");
  w.strings(ng, "link_from", lfrom, "node id of one end");
  w.strings(ng, "link_to", lto, "node id of the other end");
  w.strings(ng, "link_owner", lowner, "owner");
  w.strings(ng, "link_status", lstatus, "leased, owned, planned");
  w.strings(ng, "link_srg", lsrg, "shared-risk group (empty: its own)");
  w.dataset(ng, "link_length", len, {nl}, "km", "cable length");
  w.dataset(ng, "link_lease", lease, {nl}, "EUR/pair/km/year", "lease cost");
  w.dataset(ng, "link_build_cost", build, {nl}, "EUR/km", "new-build cost");
  w.dataset(ng, "link_latency", lat, {nl}, "ms", "one-way propagation delay");
  w.dataset(ng, "link_pairs_total", total, {nl}, "fibre pairs", "pairs of the cable");
  w.dataset(ng, "link_pairs_used", used, {nl}, "fibre pairs", "pairs in use");
  w.dataset(ng, "link_dorsale", dors, {nl}, "1", "part of the regional backbone (0/1)");
}

void write_network(const Writer& w, hid_t g, const Network& net) {
  Hid ng(w.group(g, "network"), H5Gclose, "group");
  write_network_nodes(w, ng, net);
  write_network_links(w, ng, net);
}

// ---- roll-out ----

// The optimiser's attributes, the year FttH arrives and the alternatives [year, commune, technology].
void write_rollout_communes(const Writer& w, hid_t rg, const RolloutResults& ro, hsize_t n) {
  w.attr_str(rg, "optimiser", io::spell(ro.optimiser));
  w.attr_str(rg, "status", io::spell(ro.optimiser_status));
  w.attr_f64(rg, "objective", ro.objective);
  w.attr_f64(rg, "bound", ro.bound);
  w.attr_f64(rg, "gap", ro.gap);
  std::vector<std::int32_t> fy(ro.ftth_year.begin(), ro.ftth_year.end());
  w.dataset(rg, "ftth_year", fy, {n}, "year", "year FttH is complete in the commune (0: not within the horizon)");
  const hsize_t ny = ro.alternatives.size();
  std::vector<std::int64_t> alts;
  for (const auto& ys : ro.alternatives)
    for (const auto& c : ys) alts.insert(alts.end(), c.begin(), c.end());
  w.dataset(rg, "premises_by_technology", alts, {ny, n, hsize_t(kTechnologyCount)}, "premises",
            "premises served by an alternative [year, commune, technology]; technologies: copper_upgrade, thd_radio, 4g_fixe, satellite");
}

// The yearly spends and lengths of the plan.
void write_rollout_years(const Writer& w, hid_t rg, const std::vector<YearSummary>& plan) {
  std::vector<std::int32_t> years;
  std::vector<double> pub, bud, col, colkm, priv, altc;
  for (const auto& y : plan) {
    years.push_back(y.year);
    pub.push_back(y.public_spend_eur);
    bud.push_back(y.budget_eur);
    col.push_back(y.collecte_eur);
    colkm.push_back(y.collecte_km);
    priv.push_back(y.private_spend_eur);
    altc.push_back(y.alternatives_eur);
  }
  const hsize_t py = years.size();
  w.dataset(rg, "plan_years", years, {py}, "year", "years of the yearly datasets below");
  w.dataset(rg, "public_spend", pub, {py}, "EUR", "public FttH spend (works + collecte)");
  w.dataset(rg, "public_budget", bud, {py}, "EUR", "public budget");
  w.dataset(rg, "collecte_spend", col, {py}, "EUR", "collecte links built");
  w.dataset(rg, "collecte_length", colkm, {py}, "km", "collecte links built");
  w.dataset(rg, "private_spend", priv, {py}, "EUR", "private AMII/AMEL deployments");
  w.dataset(rg, "alternatives_spend", altc, {py}, "EUR", "alternatives deployed");
}

// The collecte links the plan builds.
void write_rollout_collecte(const Writer& w, hid_t rg, const std::vector<RolloutResults::CollecteLink>& collecte) {
  std::vector<std::int32_t> cy;
  std::vector<std::string> ca, cb;
  std::vector<double> ckm, ccost;
  for (const auto& c : collecte) {
    cy.push_back(c.year);
    ca.push_back(c.a);
    cb.push_back(c.b);
    ckm.push_back(c.km);
    ccost.push_back(c.cost);
  }
  const hsize_t nc = cy.size();
  w.dataset(rg, "collecte_year", cy, {nc}, "year", "year each collecte link is built");
  w.strings(rg, "collecte_from", ca, "node id");
  w.strings(rg, "collecte_to", cb, "node id");
  w.dataset(rg, "collecte_link_length", ckm, {nc}, "km", "length");
  w.dataset(rg, "collecte_link_cost", ccost, {nc}, "EUR", "build cost");
}

void write_rollout(const Writer& w, hid_t g, const RolloutResults& ro, hsize_t n) {
  Hid rg(w.group(g, "rollout"), H5Gclose, "group");
  write_rollout_communes(w, rg, ro, n);
  write_rollout_years(w, rg, ro.years);
  write_rollout_collecte(w, rg, ro.collecte);
}

// ---- interconnection ----

void write_interconnection(const Writer& w, hid_t g, const InterconnectionResults& ir) {
  Hid ig(w.group(g, "interconnection"), H5Gclose, "group");
  w.attr_str(ig, "mode", io::spell(ir.mode));
  std::vector<std::string> id, decision;
  std::vector<double> capex, opex, total, lat, km;
  std::vector<std::int32_t> pairs;
  for (std::size_t i = 0; i < ir.decisions.size(); ++i) {
    const auto& d = ir.decisions[i];
    id.push_back(d.id);
    decision.push_back(io::spell(d.decision));
    capex.push_back(d.capex_eur);
    opex.push_back(d.opex_eur);
    total.push_back(d.total_eur);
    lat.push_back(d.latency_ms);
    km.push_back(d.new_build_km);
    pairs.push_back(ir.requests[i].pairs);
  }
  const hsize_t nr = id.size();
  w.strings(ig, "request_id", id, "request id, in the request file's order");
  w.strings(ig, "decision", decision, "accept, accept_with_works, reject");
  w.dataset(ig, "pairs", pairs, {nr}, "fibre pairs", "pairs requested");
  w.dataset(ig, "capex", capex, {nr}, "EUR", "new-build capital cost");
  w.dataset(ig, "opex", opex, {nr}, "EUR", "lease cost over the request's horizon");
  w.dataset(ig, "total_cost", total, {nr}, "EUR", "capex + opex");
  w.dataset(ig, "latency", lat, {nr}, "ms", "one-way latency of the worst route (0 when rejected)");
  w.dataset(ig, "new_build", km, {nr}, "km", "new-build attachment length");
}

// The axes as HDF5 dimension scales (H5DS): /<scenario>/years, communes/code,
// departements/code and rollout/plan_years, attached to the datasets they index (only where
// the lengths agree).
void attach_scales(hid_t g, const ScenarioResults& res) {
  auto exists = [&](const std::string& p) { return H5Lexists(g, p.c_str(), H5P_DEFAULT) > 0; };
  auto length = [](hid_t d, int dim) {
    Hid s(H5Dget_space(d), H5Sclose, "get space");
    std::vector<hsize_t> dims(std::size_t(std::max(0, H5Sget_simple_extent_ndims(s))));
    H5Sget_simple_extent_dims(s, dims.data(), nullptr);
    return std::size_t(dim) < dims.size() ? dims[std::size_t(dim)] : hsize_t(-1);
  };
  auto scale = [&](const std::string& path, const char* name, const std::vector<std::pair<std::string, int>>& targets) {
    if (!exists(path)) return;
    Hid s(H5Dopen2(g, path.c_str(), H5P_DEFAULT), H5Dclose, "open " + path);
    check(H5DSset_scale(s, name), "set the scale " + path);
    const hsize_t n = length(s, 0);
    for (const auto& [target, dim] : targets) {
      if (!exists(target)) continue;
      Hid d(H5Dopen2(g, target.c_str(), H5P_DEFAULT), H5Dclose, "open " + target);
      if (length(d, dim) == n) check(H5DSattach_scale(d, s, unsigned(dim)), "attach " + path + " to " + target);
    }
  };
  scale("years", "year", {{"communes/premises_by_band", 0}, {"departements/premises_by_band", 0}, {"rollout/premises_by_technology", 0}});
  scale("communes/code", "commune",
        {{"communes/premises_by_band", 1}, {"rollout/premises_by_technology", 1}, {"rollout/ftth_year", 0}});
  scale("departements/code", "departement", {{"departements/premises_by_band", 1}});
  if (res.rollout.planned)
    scale("rollout/plan_years", "plan year",
          {{"rollout/public_spend", 0}, {"rollout/public_budget", 0}, {"rollout/collecte_spend", 0}, {"rollout/collecte_length", 0},
           {"rollout/private_spend", 0}, {"rollout/alternatives_spend", 0}});
}

// The file's content: the root's attributes and the group /<scenario>, object times off.
void write_results(hid_t f, const Region& region, const ScenarioResults& res) {
  Hid gcpl(H5Pcreate(H5P_GROUP_CREATE), H5Pclose, "create property list");
  Hid dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, "create property list");
  check(H5Pset_obj_track_times(gcpl, false), "disable times");
  check(H5Pset_obj_track_times(dcpl, false), "disable times");
  Writer w{gcpl, dcpl};
  w.attr_str(f, "format", "dorsale-results/1");
  w.attr_str(f, "dorsale_version", res.info.version);
  Hid g(w.group(f, res.info.scenario), H5Gclose, "group");
  write_provenance(w, g, region, res.info);
  write_communes(w, g, region, res.communes);
  write_departements(w, g, region, res.communes);
  write_network(w, g, region.network);
  if (res.rollout.planned) write_rollout(w, g, res.rollout, region.communes.size());
  if (!res.interconnection.decisions.empty()) write_interconnection(w, g, res.interconnection);
  attach_scales(g, res);
  check(H5Fflush(f, H5F_SCOPE_GLOBAL), "flush");
}

}  // namespace

void write_hdf5(const std::filesystem::path& file, const Region& region, const ScenarioResults& res) {
  write_hdf5_file(file, [&](hid_t file_id) { write_results(file_id, region, res); });
}

}  // namespace dorsale::viz
