#include "models/parameters.h"

#include <fmt/format.h>

#include <algorithm>
#include <type_traits>
#include <cmath>
#include <stdexcept>
#include <unordered_map>

#include "models/error.h"

namespace dorsale {

namespace {

// The key and the field of one parameter, written once: P(costs, build_eur_per_km).
#define P(section, field) #section "." #field, [](Parameters& p) -> auto& { return p.section.field; }

ParamSpec base(std::string key, ParamKind kind, std::string unit, double lo, double hi, std::string source, std::string doc) {
  ParamSpec s;
  s.key = std::move(key);
  s.kind = kind;
  s.unit = std::move(unit);
  s.min = lo;
  s.max = hi;
  s.source = std::move(source);
  s.doc = std::move(doc);
  return s;
}

template <class F>
ParamSpec num(std::string key, F field, double def, std::string unit, double lo, double hi, std::string source, std::string doc) {
  ParamSpec s = base(std::move(key), ParamKind::Number, std::move(unit), lo, hi, std::move(source), std::move(doc));
  s.number_field = field;
  s.default_number = def;
  return s;
}

template <class F>
ParamSpec integer(std::string key, F field, long def, std::string unit, double lo, double hi, std::string source, std::string doc) {
  ParamSpec s = base(std::move(key), ParamKind::Integer, std::move(unit), lo, hi, std::move(source), std::move(doc));
  s.integer_field = field;
  s.default_number = double(def);
  return s;
}

template <class F>
ParamSpec series(std::string key, F field, std::vector<double> def, std::string unit, double lo, double hi, std::string source,
                 std::string doc) {
  ParamSpec s = base(std::move(key), ParamKind::Series, std::move(unit), lo, hi, std::move(source), std::move(doc));
  s.series_field = field;
  s.default_series = std::move(def);
  return s;
}

// A Text parameter: a string field, or an enum field whose values are the choices in order
// (io/spelling.h spells the same enum for the files; a test checks both lists agree).
template <class F>
ParamSpec text(std::string key, F field, std::string def, std::vector<std::string> choices, std::string source, std::string doc) {
  ParamSpec s = base(std::move(key), ParamKind::Text, "", 0, 0, std::move(source), std::move(doc));
  using T = std::remove_reference_t<decltype(field(std::declval<Parameters&>()))>;
  if constexpr (std::is_same_v<T, std::string>) {
    s.get_text = [field](const Parameters& p) { return field(const_cast<Parameters&>(p)); };
    s.put_text = [field](Parameters& p, const std::string& v) { field(p) = v; };
  } else {
    static_assert(std::is_enum_v<T>, "a Text parameter is a string or an enum of its choices");
    s.get_text = [field, choices](const Parameters& p) { return choices.at(std::size_t(field(const_cast<Parameters&>(p)))); };
    s.put_text = [field, choices](Parameters& p, const std::string& v) {  // v is one of the choices (set_text checks)
      field(p) = T(std::find(choices.begin(), choices.end(), v) - choices.begin());
    };
  }
  s.default_text = std::move(def);
  s.choices = std::move(choices);
  return s;
}

// Sources written once (functions, not globals: the registry may be built during static
// initialisation of another file).
std::string seed(const std::string& what) { return "seed (SCORAN BFC 2019)" + what; }
std::string arcep() { return "open data: ARCEP sites mobiles 2018-01, BFC"; }
std::string cete(const std::string& what) {
  return "CETE de l'Ouest, « Approche des coûts d'un réseau »: " + what;
}
std::string ftth_range(const std::string& what) {
  return "FttH costs 300–6,000 EUR/premises by density (ARCEP / Plan France THD); " + what;
}

// calibration of the generated (built-in / synthetic) region
std::vector<ParamSpec> calibration_specs() {
  return {
    integer(P(calibration, communes), 3734, "communes", 1, 1e6, seed(": ~3,700 communes, 3,734 in the 2018 geography"),
            "Number of communes the built-in region generates (spread over the départements in proportion to their real 2018 counts)."),
    integer(P(calibration, population), 2800000, "inhabitants", 1, 1e9, seed(": 2.8 M inhabitants"),
            "Total population of the generated region."),
    integer(P(calibration, premises), 1700000, "premises", 1, 1e9, seed(": ~1.7 M locaux"),
            "Total premises (dwellings + business sites) of the generated region."),
    num(P(calibration, business_share), 0.049, "share of premises", 0, 1, "open data: ARCEP 2018 T1 BFC, 78,902 / 1,613,986",
        "Share of premises that are business sites."),
    num(P(calibration, share_under_500), 0.71, "share of communes", 0, 1, seed(": 71 % of communes under 500 inhabitants"),
        "Share of communes with fewer than 500 inhabitants."),
    num(P(calibration, rural_population_share), 0.21, "share of population", 0, 1, seed(": 21 % of people rural"),
        "Share of the population living in communes flagged rural (smallest communes first)."),
    num(P(calibration, premises_per_inhabitant_rural_bonus), 0.25, "premises per inhabitant", 0, 5, "assumption",
        "Extra premises per inhabitant in the most rural communes (second homes, farms), before scaling to the total."),
    num(P(bands, thd_share), 0.42, "share of premises", 0, 1, seed(": 42 % of premises THD-eligible (>= 30 Mbit/s)"),
        "Share of premises at 30 Mbit/s or more (FttH included)."),
    num(P(bands, below8_share), 0.25, "share of premises", 0, 1, seed(": 25 % of premises below 8 Mbit/s"),
        "Share of premises below 8 Mbit/s."),
    num(P(bands, below3_share), 0.09, "share of premises", 0, 1, "assumption (the seed gives only the < 8 Mbit/s total)",
        "Share of premises below 3 Mbit/s (part of the below-8 share)."),
    num(P(bands, ftth_share), 0.19, "share of premises", 0, 1, seed(": 19 % of premises FttH-eligible"),
        "Share of premises passed by FttH."),
    num(P(bands, ftth_share_private_zone), 0.41, "share of premises", 0, 1, seed(": 41 % of premises in private-initiative zones"),
        "FttH share inside AMII zones; with the public share it fixes the size of the AMII zone."),
    num(P(bands, ftth_share_public_zone), 0.04, "share of premises", 0, 1, seed(": 4 % of premises in public-initiative zones"),
        "FttH share outside AMII zones."),
    integer(P(phase2, amel_premises), 230000, "premises", 0, 1e9, seed(": phase 2, AMEL / own funds ~230,000"),
            "Phase-2 premises in AMEL zones."),
    integer(P(phase2, dsp_premises), 210000, "premises", 0, 1e9, seed(": phase 2, public DSP ~210,000"),
            "Phase-2 premises in public DSP zones."),
    integer(P(phase2, jura_premises), 70000, "premises", 0, 1e9, seed(": phase 2, Jura (model unknown) ~70,000"),
            "Phase-2 premises of the Jura (département 39), deployment model unknown."),
    integer(P(thd_radio, communes), 357, "communes", 0, 1e6, seed(": RCube THD radio, 357 communes of 21, 71, 89"),
            "Communes covered by the regional THD radio network."),
    integer(P(thd_radio, premises), 54000, "premises", 0, 1e9, seed(": RCube, 54,000 premises eligible at 30 Mbit/s"),
            "Premises eligible to THD radio."),
  };
}

// mobile networks of the generated region
std::vector<ParamSpec> mobile_specs() {
  return {
    num(P(mobile, coverage_orange), 0.955, "share of population", 0, 1, seed(": 4G Orange 95.5 % (31 Dec 2018)"),
        "4G population coverage of Orange."),
    num(P(mobile, coverage_sfr), 0.961, "share of population", 0, 1, seed(": 4G SFR 96.1 %"), "4G population coverage of SFR."),
    num(P(mobile, coverage_bouygues), 0.953, "share of population", 0, 1, seed(": 4G Bouygues Telecom 95.3 %"),
        "4G population coverage of Bouygues Telecom."),
    num(P(mobile, coverage_free), 0.828, "share of population", 0, 1, seed(": 4G Free 82.8 %"), "4G population coverage of Free Mobile."),
    num(P(mobile, white_zone_share), 0.03, "share of premises", 0, 1, seed(": 3 % of premises in a 4G white zone"),
        "Share of premises covered by no operator in 4G."),
    integer(P(mobile, sites_orange), 1502, "sites", 0, 1e6, arcep(), "Orange sites generated in the built-in region."),
    integer(P(mobile, sites_sfr), 1400, "sites", 0, 1e6, arcep(), "SFR sites generated in the built-in region."),
    integer(P(mobile, sites_bouygues), 1177, "sites", 0, 1e6, arcep(), "Bouygues Telecom sites generated in the built-in region."),
    integer(P(mobile, sites_free), 949, "sites", 0, 1e6, arcep(), "Free Mobile sites generated in the built-in region."),
    num(P(mobile, site_sharing_share), 0.35, "share of sites", 0, 1, "assumption",
        "Share of operator sites installed on a high point that another operator already uses."),
    num(P(mobile, fibred_share), 0.45, "share of high points", 0, 1, "assumption",
        "Share of existing high points already backhauled by fibre (the most urban first)."),
    num(P(mobile, candidate_build_eur), 150000, "EUR per site", 0, 1e9,
        "New Deal Mobile, dispositif de couverture ciblée: a mast costs 100–200 kEUR (State share up to 100 kEUR, 130 kEUR in mountain areas; the commune at least 20 %)",
        "Cost of building one candidate high point, backhaul excluded."),
  };
}

// network
std::vector<ParamSpec> network_specs() {
  return {
    num(P(network, dorsale_km), 1200, "km", 1, 1e6, seed(": Dorsale of ~1,200 km"),
        "Total length of the generated Dorsale (of each block of 8 départements in larger synthetic regions); the corridor detour factor is fitted to it."),
    integer(P(network, dorsale_pairs), 24, "fibre pairs", 1, 10000, "assumption", "Fibre pairs per Dorsale link."),
    num(P(network, dorsale_used_share), 0.4, "share of pairs", 0, 1, "assumption",
        "Average share of Dorsale pairs already used at the start."),
    integer(P(network, rip_pairs), 12, "fibre pairs", 1, 10000, "assumption", "Fibre pairs per RIP collecte link."),
    num(P(network, rip_used_share), 0.3, "share of pairs", 0, 1, "assumption", "Average share of RIP pairs already used."),
    num(P(network, nro_spacing_km), 9, "km", 0.5, 1000, "assumption",
        "Minimum distance between two generated NROs (larger communes are picked first)."),
    num(P(network, rip_detour_factor), 1.3, "ratio", 1, 5, "assumption",
        "Cable length over straight-line length for generated RIP links."),
    num(P(network, transit_detour_factor), 1.25, "ratio", 1, 5, "assumption",
        "Cable length over straight-line length of the transit links to the external hubs (generated or derived networks)."),
    num(P(network, corridor_detour_factor), 1.3, "ratio", 1, 5, "assumption (as network.rip_detour_factor)",
        "Cable length over straight-line length of the Dorsale corridors of a network derived without a plan file "
        "(a plan's corridors are scaled to network.dorsale_km instead)."),
    integer(P(network, derived_hubs), 2, "hubs", 1, 6, "assumption (the BFC plan joins 3 hubs: Paris, Lyon, Strasbourg)",
            "A network derived without a plan file joins this many national hubs (Paris, Lyon, Marseille, Strasbourg, Bordeaux, "
            "Lille), the nearest to the region, each by one transit from its nearest PoP."),
    text(P(network, derived_pop_rule), "prefecture", {"prefecture", "most_populated"}, "assumption (issue 24: the préfecture or the most populated commune)",
         "Where a network derived without a plan file puts each département's PoP: its préfecture when the INSEE départements "
         "file (insee-population/v_departement*.csv, CHEFLIEU) names one of the region's communes, else its most populated "
         "commune; most_populated: always the most populated commune."),
    num(P(network, data_centre_km), 3, "km", 0, 100, "assumption",
        "Distance from a data centre to its Dorsale PoP (generated or derived networks); its access link is this times rip_detour_factor."),
    num(P(network, latency_us_per_km), 4.9, "us/km", 0, 1000, "physics: light in silica, group index ~1.468",
        "One-way propagation delay per km of fibre."),
    integer(P(network, resilience_listed_nodes), 10, "nodes", 0, 1e9, "assumption (a list to read, not the count)",
            "Cut nodes listed per failure by dorsale resilience (resilience.json, the layer, the report); the count is always whole. --full lists them all."),
    num(P(costs, lease_eur_per_pair_km_year), 200, "EUR/pair/km/year", 0, 1e9, "assumption",
        "Yearly lease of one fibre pair on a leased link."),
    num(P(costs, build_eur_per_km), 70000, "EUR/km", 0, 1e9, cete("trench 50–90 EUR/m; about 15 EUR/m in open ground, up to 250 EUR/m in town centres"),
        "New-build cost of one km of fibre cable."),
    num(P(costs, owned_eur_per_pair_km_year), 0, "EUR/pair/km/year", 0, 1e9, "assumption (owned fibre: no lease)",
        "Yearly cost of one pair on an owned link, charged to interconnection requests."),
    // GraceTHD networks (dorsale network info / export, [network] source = "gracethd")
    num(P(gracethd, duct_pull_eur_per_km), 8000, "EUR/km", 0, 1e9,
        "assumption (cable pulled in an existing duct: no civil works, about a fifth of a trench)",
        "Build cost of a cable to build (cb_avct C/T) over the length of its cheminements that exist (cm_avct E/S) "
        "and are not aerial; cheminements to build cost costs.build_eur_per_km (trench)."),
    num(P(gracethd, aerial_build_eur_per_km), 22500, "EUR/km", 0, 1e9,
        cete("aerial cable on existing supports 15–30 EUR/m (cm_typ_imp 0/1 poles: no trench)"),
        "Build cost of a cable to build over the length of its aerial cheminements (cm_typ_imp 0 telecom or 1 energy poles)."),
    num(P(gracethd, end_snap_m), 1.5, "m", 0, 1000,
        "GraceTHD l_geoloc_classe B: location uncertainty at most 1.5 m (décret du 15 février 2012)",
        "A cable without cb_nd1/cb_nd2 ends at the t_noeud nearest to each end of its t_cableline geometry, "
        "when within this distance."),
    num(P(gracethd, length_gap_share), 0.2, "share", 0, 100,
        "assumption: cable slack (lovages, loops in chambers) adds 5-15 % to the drawn length",
        "dorsale network check reports a cable or cheminement whose declared length (cb_lgreel, cm_lgreel/cm_long) "
        "and geometry length differ by more than this share of the larger."),
  };
}

// interconnection requests
std::vector<ParamSpec> interconnect_specs() {
  return {
    num(P(interconnect, attach_detour_factor), 1.3, "ratio", 1, 5, "assumption",
        "New-build length of an off-network site's attachment over the straight-line distance."),
    integer(P(interconnect, attach_candidates), 3, "nodes", 1, 50, "assumption",
            "Nearest network nodes (NRO, PoP, data centre, junction) an off-network site may attach to."),
    num(P(interconnect, attach_max_km), 40, "km", 0.1, 1000, "assumption",
        "Largest straight-line distance of a new-build attachment."),
    text(P(interconnect, link_only_diversity), "reject", {"reject", "accept"}, "assumption (a shared duct is a single point of failure)",
         "What to answer a 'diverse' request when only link-disjoint routes exist (they share a duct)."),
    num(P(interconnect, optimal_time_limit_s), 60, "s", 0.1, 86400, "assumption",
        "Time limit of the joint (--mode optimal) MILP."),
    integer(P(interconnect, route_options), 3, "routes", 1, 20, "assumption",
            "Candidate routes (or diverse pairs) per request in the joint MILP."),
  };
}

// the interconnection desk (dorsale serve)
std::vector<ParamSpec> desk_specs() {
  return {
    num(P(desk, hold_days), 30, "days", 0.001, 3650, "assumption (a month to get an order signed)",
        "How long the desk holds the capacity of an accepted request awaiting an engineer's confirmation; then the hold expires and the pairs are free again."),
    num(P(desk, header_timeout_s), 10, "s", 0.1, 3600, "assumption (a client sends its request line and headers in well under a second)",
        "Time a client has to send a request's line and headers, from its first byte; then the desk closes the connection (slow clients cannot hold its workers)."),
    num(P(desk, body_timeout_s), 60, "s", 0.1, 3600, "assumption (1 MiB at about 140 kbit/s)",
        "Time a client has to send a request's body once its headers are read; then the desk closes the connection."),
    num(P(desk, keepalive_timeout_s), 5, "s", 0.1, 3600, "assumption (cpp-httplib's default)",
        "How long an idle kept-alive connection waits for its next request before the desk closes it."),
    integer(P(desk, keepalive_max_requests), 1000, "requests", 1, 1000000, "assumption (a script keeps one connection for a batch)",
            "Requests served on one kept-alive connection; then the desk closes it."),
    integer(P(desk, connections_per_address), 16, "connections", 1, 100000, "assumption (a quarter of the desk's 64 workers)",
            "Open connections one client address may hold at once; more are answered 503 at once and closed, so one address cannot take every worker."),
    integer(P(desk, quota_held_pairs), 2000, "pairs x links", 1, 1e9, "assumption (a few dozen requests of a few pairs on ~10-link routes)",
            "Pairs one requester (token name) may hold at once, summed over the links of the routes (a request of 2 pairs on 10 links holds 20); a submission over it is refused (429). Engineers are not limited."),
    integer(P(desk, quota_open_holds), 100, "requests", 1, 1e9, "assumption",
            "Requests of one requester that may be held (awaiting confirmation) at once; a submission over it is refused (429). Engineers are not limited."),
    integer(P(desk, quota_submissions_per_minute), 60, "requests / minute", 1, 1e9, "assumption",
            "Submissions one requester may make in a minute (imports count each row); more are refused (429). Engineers are not limited."),
    integer(P(desk, import_chunk_rows), 200, "rows", 1, 1000000, "assumption (a few tenths of a second of evaluation)",
            "Rows of an import evaluated and committed in one transaction; other calls are answered between chunks, so a large import does not stop the desk."),
    integer(P(desk, list_default_limit), 50, "requests", 1, 100000, "assumption (a screen of rows; issue #25)",
            "Requests in one page of the register's list when the call gives no limit."),
    integer(P(desk, list_max_limit), 1000, "requests", 1, 100000, "assumption (issue #25: a page answered in well under a second)",
            "Largest limit a call of the list may ask for; more is refused (400, field limit)."),
    integer(P(desk, search_max_chars), 200, "characters", 1, 100000, "assumption (an id, a requester, a site or a destination)",
            "Longest search text (q) of the list and the export; longer is refused (400, field q)."),
    integer(P(desk, reason_max_chars), 1000, "characters", 1, 100000, "assumption (a paragraph)",
            "Longest reason given to confirm, decline, cancel or decline-holds; longer is refused (400, field reason)."),
    integer(P(desk, comment_max_chars), 4000, "characters", 1, 100000, "assumption (a long e-mail; a body is 1 MiB at most)",
            "Longest comment on a request; longer is refused (400, field text, as is a comment's body over the desk's 1 MiB)."),
    num(P(desk, webhook_timeout_s), 10, "s", 0.01, 3600, "assumption (a receiver answers a small JSON POST in well under a second)",
        "Time a requester organisation's webhook receiver has to answer one notice; no answer in time counts as a failed attempt."),
    num(P(desk, webhook_backoff_initial_s), 2, "s", 0.001, 86400, "assumption",
        "Wait before the second attempt to deliver a notice that failed; each further failure doubles the wait, up to desk.webhook_backoff_max_s. A notice is retried until its receiver acknowledges it (2xx)."),
    num(P(desk, webhook_backoff_max_s), 300, "s", 0.001, 86400, "assumption (a receiver back after an hour down gets its notices within 5 minutes)",
        "Longest wait between two attempts to deliver a notice."),
    num(P(desk, webhook_poll_s), 1, "s", 0.001, 3600, "assumption",
        "How often the notice sender looks at the outbox when nothing woke it (notices written by another desk instance on a shared PostgreSQL register)."),
    integer(P(desk, webhook_batch_events), 100, "notices", 1, 100000, "assumption",
            "Notices the sender takes from the outbox at once (each request's oldest undelivered notice first; later ones of a request wait for it)."),
    integer(P(desk, webhook_url_max_chars), 2000, "characters", 10, 100000, "assumption (browsers' practical URL limit)",
            "Longest webhook URL an engineer may set; longer is refused (400, field url)."),
  };
}

// targets
std::vector<ParamSpec> targets_specs() {
  return {
    integer(P(targets, good_broadband_year), 2022, "year", 2000, 2100, seed(": >= 8 Mbit/s for all by 2020/2022"),
            "Year by which every premises should have >= 8 Mbit/s."),
    integer(P(targets, thd_year), 2022, "year", 2000, 2100, seed(": 100 % THD in 2022"), "Year of the 100 % THD (>= 30 Mbit/s) target."),
    integer(P(targets, ftth_year), 2025, "year", 2000, 2100, seed(": 100 % FttH by 2025"), "Year of the 100 % FttH target."),
  };
}

// roll-out planning
std::vector<ParamSpec> rollout_specs() {
  return {
    [] {
      auto s = series(P(budgets, public_eur_per_year), {100e6, 130e6, 150e6, 150e6, 150e6, 130e6, 120e6}, "EUR/year", 0, 1e12,
                      "assumption (order of magnitude of the RIP plans: ~780,000 public premises at ~1,200 EUR)",
                      "Public FttH budget (works and collecte) of each scenario year, first to last; one value per year.");
      s.fixed_length = false;
      return s;
    }(),
    text(P(budgets, scale), "premises_share", {"premises_share", "none", "refuse"}, "assumption (a budget in proportion to the premises to serve)",
         "An open-data region whose scenario gives no budgets.public_eur_per_year: premises_share scales the default budgets by "
         "its premises / budgets.reference_premises, none keeps them as they are, refuse stops with an error unless it has "
         "exactly budgets.reference_premises premises."),
    integer(P(budgets, reference_premises), 1613986, "premises", 1, 1e9,
            "open data: ARCEP 2018 T1 BFC, 1,535,084 dwellings + 78,902 business sites",
            "The premises the default budgets.public_eur_per_year are sized for (the region of the SCORAN)."),
    num(P(costs, ftth_dense_eur_per_premises), 450, "EUR/premises", 0, 1e6, ftth_range("its dense end; the default is an assumption"),
        "Public FttH cost per premises in a dense commune (see rollout.dense_min_premises)."),
    num(P(costs, ftth_intermediate_eur_per_premises), 1300, "EUR/premises", 0, 1e6,
        ftth_range("about 1,300 EUR/premises in Seine-et-Marne's RIP (Seine-et-Marne Numérique)"),
        "Public FttH cost per premises in an intermediate commune."),
    num(P(costs, ftth_rural_eur_per_premises), 1900, "EUR/premises", 0, 1e6,
        ftth_range("about 1,900 EUR/premises for the last 3 M premises nationally (Plan France THD)"),
        "Public FttH cost per premises in a rural commune."),
    num(P(costs, ftth_private_eur_per_premises), 500, "EUR/premises", 0, 1e6, ftth_range("private zones are the denser ones; the default is an assumption"),
        "Private (AMII/AMEL) FttH cost per premises, reported as private spend."),
    integer(P(rollout, dense_min_premises), 2000, "premises", 0, 1e9, "assumption", "A commune with at least this many premises is dense."),
    integer(P(rollout, intermediate_min_premises), 300, "premises", 0, 1e9, "assumption", "... at least this many, intermediate; below, rural."),
    num(P(rollout, dsp_public_share), 0.35, "share of cost", 0, 1, "assumption (DSP concessions are part-financed by the concessionaire)",
        "Share of the FttH cost of phase-2 DSP premises paid from the public budget."),
    integer(P(rollout, private_slippage_years), 0, "years", 0, 20, "assumption", "Delay of private AMII/AMEL deployments beyond their committed year."),
    num(P(rollout, weight_below8), 3, "weight", 0, 1000, "assumption (the strategy puts premises below 8 Mbit/s first)",
        "Weight of a premises below 8 Mbit/s in the public deployment objective."),
    num(P(rollout, weight_other), 1, "weight", 0, 1000, "assumption", "Weight of any other premises."),
    num(P(rollout, collecte_candidate_km), 15, "km", 0, 1000, "assumption",
        "Candidate new collecte links join NROs closer than this (straight line)."),
    text(P(rollout, optimiser), "heuristic", {"heuristic", "exact"}, "assumption",
         "Public deployment choice: greedy + local search, with a Lagrangian bound (region scale), or exact MILP (small regions)."),
    num(P(rollout, exact_time_limit_s), 120, "s", 0.1, 86400, "assumption", "Time limit of the exact roll-out MILP (CBC)."),
    integer(P(rollout, window_max_units), 1000, "units", 0, 1000000,
            "assumption (a département's plan: 1-3 s of MIP windows; the region's 3,317 units would take about 20 s per scenario)",
            "The heuristic's last step, MIP windows (two consecutive years re-assigned by CBC, the rest fixed), runs on plans of at most this many communes to deploy; 0: never."),
    integer(P(rollout, window_max_nodes), 100, "nodes", 1, 1000000, "assumption",
            "Branch-and-bound nodes of each MIP window (a node limit, not a time limit: the same plan on every machine)."),
  };
}

// the build pace of the roll-out (param::Pace)
std::vector<ParamSpec> pace_specs() {
  const std::string fit = "assumption; `dorsale calibrate` fits it per département to ARCEP actuals";
  return {
    text(P(pace, model), "none", {"none", "ramp"}, "assumption (budgets only, as the SCORAN plans)",
         "Build-pace limit of the roll-out: none (each year's budget only) or ramp (per département: the private operators' "
         "flat pace and the RIP's pace ramping up from its start; see scenarios/README.md \"Build pace\")."),
    num(P(pace, private_share_per_year), 0.12, "share of private-zone premises / year", 0, 1, fit,
        "Premises the private operators pass in a year in a département's AMII/AMEL zone, as a share of that zone's premises (pace.model = ramp)."),
    num(P(pace, public_share_per_year), 0.15, "share of RIP-zone premises / year", 0, 1,
        fit + " (a RIP at full pace builds 10–25 % of its zone a year)",
        "Premises the RIP passes in a year at full pace, as a share of its zone's premises (pace.model = ramp); at least what pace.public_target_year needs."),
    num(P(pace, public_start_year), 2018, "decimal year", 2000, 2100, fit,
        "When the RIP's works start (its contract or phase 2): its pace ramps up from 0 from this date (2018.5 = 1 July 2018)."),
    num(P(pace, public_ramp_years), 4, "years", 0, 20,
        "assumption (design studies, then civil-engineering crews ramp up over the contract's first years)",
        "Years from a RIP's start to its full pace (linear ramp)."),
    integer(P(pace, public_target_year), 2025, "year", 0, 2100,
            "seed (SCORAN BFC 2019): 100 % FttH by 2025, the date the RIPs' contracts are sized to",
            "From each year on, a RIP passes at least the share of its zone that would finish what remains by the end of this "
            "year on its ramp (what remains to build sets the pace); 0: no target, the fitted pace only."),
    num(P(pace, tail_years), 2, "years", 0.1, 100,
        "assumption (the last premises - complex connections, refusals, addresses still being surveyed - go slower)",
        "A zone passes at most 1 / tail_years of its remaining premises in a year."),
    num(P(pace, private_prior_sd), 0.05, "share of private-zone premises / year", 0, 1,
        "assumption (operators' paces differ by a few points a year between départements)",
        "dorsale calibrate: spread of the prior on each département's private pace, centred on the pace the per-commune "
        "observatory shows in the quarters before the start (else pace.private_share_per_year); 0: no prior."),
    text(P(pace, start_date), "", {}, "open data: the date of the FttH source file (ARCEP quarter); else 31 December before first_year",
         "Date of the region's FttH state (YYYY-MM-DD; empty: the source's date): the first plan year's pace runs from it."),
  };
}

// alternatives for the THD target
std::vector<ParamSpec> alternatives_specs() {
  return {
    integer(P(alternatives, year), 2022, "year", 0, 2100, seed(": 100 % THD in 2022 with alternatives where FttH comes later"),
            "Year alternatives are deployed to premises still below 30 Mbit/s without FttH; 0: never."),
    num(P(alternatives, copper_upgrade_share), 0.25, "share of premises", 0, 1, "assumption",
        "Share of a commune's premises below 30 Mbit/s that a copper upgrade (montée en débit) can reach."),
    num(P(alternatives, copper_upgrade_eur), 600, "EUR/premises", 0, 1e6, "assumption", "Copper upgrade cost per premises."),
    num(P(alternatives, copper_upgrade_mbps), 30, "Mbit/s", 0, 10000, "assumption", "Speed after a copper upgrade."),
    num(P(alternatives, thd_radio_eur), 400, "EUR/premises", 0, 1e6, "assumption", "THD radio equipment and installation per premises (the roll-out alternative and the guichet's equipment cost: technology table)."),
    num(P(alternatives, thd_radio_mbps), 30, "Mbit/s", 0, 10000, seed(": THD radio at 30 Mbit/s"), "THD radio speed."),
    num(P(alternatives, fourg_fixe_spare_share), 0.3, "share of covered premises", 0, 1, "assumption (cells keep most capacity for mobile users)",
        "Share of the 4G-covered premises below the speed threshold that cells' spare capacity can serve in 4G fixe (roll-out alternatives and guichet)."),
    num(P(alternatives, fourg_fixe_eur), 250, "EUR/premises", 0, 1e6, "assumption", "4G fixe box and installation per premises (the roll-out alternative and the guichet's equipment cost)."),
    num(P(alternatives, fourg_fixe_mbps), 30, "Mbit/s", 0, 10000, "assumption", "4G fixe speed."),
    num(P(alternatives, satellite_eur), 550, "EUR/premises", 0, 1e6, "assumption", "Satellite dish, modem and installation per premises (the roll-out alternative and the guichet's equipment cost)."),
    num(P(alternatives, satellite_mbps), 30, "Mbit/s", 0, 10000, "assumption (THD satellite offers of 2019)", "Satellite speed."),
  };
}

// mobile high points (towers)
std::vector<ParamSpec> towers_specs() {
  return {
    num(P(towers, radius_urban_m), 2500, "m", 0, 1e6, "assumption (4G macro cell, 800 MHz-2.6 GHz mix, urban)",
        "Coverage radius of a site in a dense commune (rollout.dense_min_premises)."),
    num(P(towers, radius_rural_m), 6000, "m", 0, 1e6, "assumption (4G 800 MHz, open country)", "Coverage radius of a site in other communes."),
    num(P(towers, radius_mountain_m), 3500, "m", 0, 1e6, "assumption (relief masks the signal)", "Coverage radius of a site in a mountain commune."),
    integer(P(towers, premises_per_point), 60, "premises", 1, 1e6, "assumption",
            "Premises grouped into one demand point (a commune has ceil(premises / this) points, 40 at most)."),
    num(P(towers, point_spread_m), 2500, "m", 0, 1e6, "assumption", "Radius around the commune centre over which its demand points are spread."),
    integer(P(towers, sites_per_year), 67, "sites", 0, 1e6, seed(": 67 new 4G sites for BFC in 2018 (New Deal Mobile)"),
            "New sites per year of the yearly programme."),
    integer(P(towers, backhaul_horizon_years), 10, "years", 0, 100, "assumption", "Years of lease counted in a site's fibre backhaul cost."),
    text(P(towers, radius_fit), "white_zones", {"white_zones", "none"},
         "assumption: the region's calibrated white zones (mobile.white_zone_share, SCORAN 3 %) are the truth the radii are fitted to",
         "white_zones: when every commune carries a white-zone share (the built-in region), the three coverage radii are scaled by one factor so that the existing sites leave exactly that many premises in no operator's 4G coverage; none: the radii as given (open data: white zones follow the real sites' positions)."),
    num(P(towers, radius_fit_max_scale), 4, "ratio", 1, 100, "assumption",
        "Largest factor the radius fit may apply (and 1 / this the smallest)."),
    integer(P(towers, local_search_work), 4294967296L, "cover entries", 0, 1e15,
            "assumption: about 80 times what one polish of the synthetic-France towers problem visits before its local optimum (5.3e7, measured 2026-12-06)",
            "Work cap of each local-search polish of the towers heuristic, in candidate cover-list entries visited: a count, not a clock, so the same inputs give the same sites under any load. A guard against pathological inputs that the shipped scenarios do not reach; when a polish stops at it, the run says so on stderr."),
  };
}

// guichet cohésion numérique
// Sources of its dated rules, written once (scenarios/README.md, "Guichet rules by date").
std::string anct(const std::string& what) {
  return "rule: ANCT, Cohésion numérique des territoires (agence-cohesion-territoires.gouv.fr/cohesion-numerique-des-territoires-59)" + what;
}
std::string anct_2022(const std::string& what) {
  return "rule: ANCT, Cohésion numérique des territoires, 2022 update (agence-cohesion-territoires.gouv.fr/cohesion-numerique-des-territoires-59)" + what;
}
std::string bdt_2019(const std::string& what) {
  return "rule: Banque des Territoires, July 2019 announcement (dispositif of the Agence du numérique, operated by the Banque des Territoires)" + what;
}

std::vector<ParamSpec> guichet_specs() {
  return {
    num(P(guichet, speed_threshold_mbps), 8, "Mbit/s", 0, 10000, seed(": the guichet serves premises below 8 Mbit/s"),
        "Premises below this speed are eligible (only 8 and 30 are band limits: below 8 counts bands below_3 and 3_8; 30 adds 8_30)."),
    integer(P(guichet, horizon_years), 0, "years", 0, 50, anct(": a commune leaves the scheme once FttH reaches it"),
            "A premises is eligible in year y when its commune's FttH comes after y + horizon (or never); 0: the rule, the commune leaves the year FttH reaches it; more: households expecting fibre do not apply."),
    num(P(guichet, uptake_mean), 0.25, "share of eligible premises per year", 0, 1, "assumption",
        "Mean yearly take-up: share of the still-eligible premises that apply in a year (per département, Beta-distributed)."),
    num(P(guichet, uptake_sd), 0.08, "share", 0, 0.5, "assumption", "Standard deviation of the yearly take-up across draws; 0: fixed."),
    num(P(guichet, cost_sd), 0.15, "relative", 0, 1, "assumption", "Relative standard deviation of equipment costs across draws (log-normal); 0: fixed."),
    num(P(guichet, satellite_preference_mean), 0.2, "share", 0, 1, "assumption",
        "Share of the premises that 4G fixe could serve that still choose satellite (Beta across draws)."),
    num(P(guichet, satellite_preference_sd), 0.05, "share", 0, 0.5, "assumption", "Its standard deviation; 0: fixed."),
    num(P(guichet, thd_radio_cap_eur), 600, "EUR/premises", 0, 1e6, anct(": one cap per date for every technology; 600 = the highest tier, no extra cap"),
        "Extra subsidy cap for THD radio on top of the dated rule's tier (the lower applies)."),
    num(P(guichet, fourg_fixe_cap_eur), 600, "EUR/premises", 0, 1e6, anct(": one cap per date for every technology; 600 = the highest tier, no extra cap"),
        "Extra subsidy cap for 4G fixe on top of the dated rule's tier (the lower applies)."),
    num(P(guichet, satellite_cap_eur), 600, "EUR/premises", 0, 1e6, anct(": one cap per date for every technology; 600 = the highest tier, no extra cap"),
        "Extra subsidy cap for satellite on top of the dated rule's tier (the lower applies)."),
    integer(P(guichet, draws), 1000, "draws", 1, 10000000, "assumption", "Monte Carlo draws per parameter set."),
    num(P(guichet, uptake_correlation), 0, "correlation", 0, 0.99, "assumption (no source on how départements' take-up co-moves: 0, independent)",
        "Correlation of the yearly take-up between every pair of départements (Gaussian copula through a Cholesky factor, same Beta marginals); 0: independent draws, the numbers of the uncorrelated model."),
    integer(P(guichet, scheme_start), 201907, "month (yyyymm)", 190001, 299912, bdt_2019(": the guichet opens in July 2019"),
            "First month the guichet pays (years are simulated yearly: a year's take-up is pro rata of its months open)."),
    integer(P(guichet, all_communes_from), 202007, "month (yyyymm)", 190001, 299912,
            anct(": from 1 July 2020 every commune of the public-initiative zone with eligible premises is open"),
            "From this month every commune is open; before it, only the communes the local authority listed (guichet.listed_share)."),
    num(P(guichet, listed_share), 0.5, "share of eligible premises", 0, 1, "assumption (the lists of 2019-2020 are not published per commune)",
        "Share of the eligible premises in communes listed by the local authority before guichet.all_communes_from: the months before it count for this share of a month's take-up."),
    num(P(guichet, cap_2019_eur), 150, "EUR/premises", 0, 1e6, bdt_2019(": up to 150 EUR per premises"),
        "Subsidy cap per premises under the 2019 rules (in mainland France until the 2022 rules start; it remains overseas only)."),
    num(P(guichet, offer_2019_mbps), 8, "Mbit/s", 0, 10000, bdt_2019(": an offer of at least 8 Mbit/s ('bon haut débit')"),
        "Least speed of the subsidised offer under the 2019 rules."),
    integer(P(guichet, rules_2022_from), 202204, "month (yyyymm)", 190001, 299912, anct_2022(": new amounts from 1 April 2022"),
            "First month of the 2022 rules (mainland: the 150 EUR tier ends the month before)."),
    num(P(guichet, cap_2022_eur), 300, "EUR/premises", 0, 1e6, anct_2022(": up to 300 EUR"), "Subsidy cap per premises under the 2022 rules."),
    num(P(guichet, cap_2022_social_eur), 600, "EUR/premises", 0, 1e6, anct_2022(": up to 600 EUR for households on social minima"),
        "Subsidy cap per premises of a household on social minima under the 2022 rules."),
    num(P(guichet, offer_2022_mbps), 30, "Mbit/s", 0, 10000, anct_2022(": an offer of at least 30 Mbit/s"),
        "Least speed of the subsidised offer under the 2022 rules (a technology below it is not paid)."),
    num(P(guichet, social_minima_share), 0.11, "share of applicants", 0, 1,
        "assumption (DREES, minima sociaux 2020: 11 % of the population covered; applicants taken alike)",
        "Share of the applicants on social minima (the 600 EUR tier of the 2022 rules)."),
    num(P(guichet, activation_eur), 0, "EUR/premises", 0, 1e6, "assumption (alternatives.*_eur already include installation)",
        "Activation (mise en service) fee per premises paid with the equipment; the subscription is never paid."),
    integer(P(guichet, scheme_end), 202512, "month (yyyymm)", 190001, 299912, anct(": the scheme ends on 31 December 2025"),
            "Last month the guichet pays (no payment after it)."),
  };
}

// derivation rules of the open-data import
std::vector<ParamSpec> opendata_specs() {
  return {
    text(P(opendata, l3313_zone), "amii", {"amii", "amel"},
         "rule: in the 2018 T1 ARCEP file, the L.33-13 commitments are the AMII operators' (AMEL calls came later)",
         "Zone given to communes with an 'Engagements L. 33-13' or a private intention."),
    series(P(opendata, band_shares_urban), {0.05, 0.13, 0.42, 0.40}, "shares of non-FttH premises", 0, 1, "assumption",
           "Split of an urban commune's non-FttH premises into below 3, 3-8, 8-30, >= 30 (sums to 1)."),
    series(P(opendata, band_shares_rural), {0.16, 0.24, 0.48, 0.12}, "shares of non-FttH premises", 0, 1, "assumption",
           "Split of a rural commune's non-FttH premises into below 3, 3-8, 8-30, >= 30 (sums to 1)."),
    integer(P(opendata, private_ftth_year), 2020, "year", 2000, 2100,
            "rule: the 2018 L.33-13 commitments of the AMII operators run to the end of 2020",
            "FttH year given to communes of the private zone (the open data carries no plan years; public communes are planned by the roll-out)."),
    text(P(opendata, geography), "2018", {"2018", "current"},
         "rule: the ARCEP files and polygons are in the 2018 geography",
         "Commune geography of the import: '2018' keeps the files' communes (population of merged communes split by dwellings); 'current' merges them through the INSEE mergers file."),
  };
}

// bills of quantities (quantities.csv) and the cost Monte Carlo (cost_mc.csv)
std::vector<ParamSpec> quantities_specs() {
  const std::string arcep_pm = "ARCEP decision 2010-1312, art. 3 (PM zone size outside very dense areas)";
  return {
    integer(P(quantities, pm_min_premises), 1000, "premises", 1, 1e6, arcep_pm,
            "Smallest PM (sharing point) zone: the plan opens as many PMs as a group of premises passed together allows with zones of at least this size."),
    integer(P(quantities, pm_min_premises_remote), 300, "premises", 1, 1e6, arcep_pm + ", where a remote-connection offer exists",
            "Smallest PM zone where a remote-connection (NRO–PM link) offer exists (quantities.remote_offer)."),
    text(P(quantities, remote_offer), "non_dense", {"non_dense", "all", "none"},
         "assumption (RIPs publish NRO–PM link offers outside the dense communes)",
         "Where a remote-connection offer exists: non_dense: communes below rollout.dense_min_premises premises; all; none."),
    integer(P(quantities, mc_draws), 2000, "draws", 1, 10000000, "assumption",
            "Draws of the cost Monte Carlo: the plan's bill of quantities re-priced with every cost parameter drawn over its plausible range."),
    text(P(quantities, mc_distribution), "triangular", {"triangular", "uniform"}, "assumption",
         "Distribution of each cost parameter in the cost Monte Carlo: triangular (low, the scenario's value, high) or uniform on [low, high]."),
  };
}

// The plausible range of each cost parameter (the cost Monte Carlo draws over it), with the
// source of the range when it is not the parameter's own source.
struct CostRange {
  const char* key;
  double low, high;
};
const CostRange kCostRanges[] = {
    {"costs.lease_eur_per_pair_km_year", 100, 400},
    {"costs.build_eur_per_km", 50000, 90000},
    {"costs.owned_eur_per_pair_km_year", 0, 50},
    {"costs.ftth_dense_eur_per_premises", 300, 800},
    {"costs.ftth_intermediate_eur_per_premises", 800, 1900},
    {"costs.ftth_rural_eur_per_premises", 1300, 6000},
    {"costs.ftth_private_eur_per_premises", 300, 1300},
    {"gracethd.duct_pull_eur_per_km", 5000, 12000},
    {"gracethd.aerial_build_eur_per_km", 15000, 30000},
    {"mobile.candidate_build_eur", 100000, 200000},
    {"alternatives.copper_upgrade_eur", 400, 1000},
    {"alternatives.thd_radio_eur", 300, 600},
    {"alternatives.fourg_fixe_eur", 150, 400},
    {"alternatives.satellite_eur", 400, 800},
};

void apply_cost_ranges(std::vector<ParamSpec>& all) {
  for (const auto& r : kCostRanges) {
    auto it = std::find_if(all.begin(), all.end(), [&](const ParamSpec& s) { return s.key == r.key; });
    if (it == all.end()) throw std::logic_error(std::string("cost range of an unknown parameter ") + r.key);
    it->has_range = true;
    it->low = r.low;
    it->high = r.high;
  }
}

// The registry, section by section, in the order of the generated table (scenarios/README.md).
std::vector<ParamSpec> make_registry() {
  std::vector<ParamSpec> all;
  for (auto section : {&calibration_specs, &mobile_specs, &network_specs, &interconnect_specs, &desk_specs, &targets_specs, &rollout_specs, &alternatives_specs, &towers_specs, &guichet_specs, &opendata_specs})
    for (auto& s : section()) all.push_back(std::move(s));
  for (auto& s : quantities_specs()) all.push_back(std::move(s));
  for (auto& s : pace_specs()) all.push_back(std::move(s));
  apply_cost_ranges(all);
  return all;
}

#undef P

}  // namespace

const std::vector<ParamSpec>& Parameters::registry() {
  static const std::vector<ParamSpec> r = make_registry();
  return r;
}

const ParamSpec* Parameters::find_spec(const std::string& key) {
  static const std::unordered_map<std::string, const ParamSpec*> index = [] {
    std::unordered_map<std::string, const ParamSpec*> m;
    for (const auto& s : registry()) m.emplace(s.key, &s);
    return m;
  }();
  const auto it = index.find(key);
  return it == index.end() ? nullptr : it->second;
}

Parameters::Parameters() {
  for (const auto& s : registry()) {
    switch (s.kind) {
      case ParamKind::Number: s.number_field(*this) = s.default_number; break;
      case ParamKind::Integer: s.integer_field(*this) = std::lround(s.default_number); break;
      case ParamKind::Series: s.series_field(*this) = s.default_series; break;
      case ParamKind::Text: s.put_text(*this, s.default_text); break;
    }
  }
}

namespace {

const ParamSpec& spec_of(const std::string& key, ParamKind want) {
  const ParamSpec* s = Parameters::find_spec(key);
  if (!s) throw ValidationError("parameter " + key, key, "unknown parameter");
  const bool numeric_ok = (want == ParamKind::Number && (s->kind == ParamKind::Number || s->kind == ParamKind::Integer));
  if (s->kind != want && !numeric_ok) {
    static const char* kinds[] = {"a number", "an integer", "a list of numbers", "a string"};
    throw ValidationError("parameter " + key, key, fmt::format("expects {}", kinds[static_cast<int>(s->kind)]));
  }
  return *s;
}

}  // namespace

double Parameters::number(const std::string& key) const {
  const ParamSpec& s = spec_of(key, ParamKind::Number);
  auto& self = const_cast<Parameters&>(*this);
  return s.kind == ParamKind::Integer ? double(s.integer_field(self)) : s.number_field(self);
}

void Parameters::set_number(const std::string& key, double v) {
  const ParamSpec& s = spec_of(key, ParamKind::Number);
  const std::string who = "parameter " + key;
  if (!std::isfinite(v)) throw ValidationError(who, key, "not a finite number");
  if (s.kind == ParamKind::Integer && v != std::floor(v))
    throw ValidationError(who, key, fmt::format("{} is not a whole number", v));
  if (v < s.min || v > s.max)
    throw ValidationError(who, key, fmt::format("{} is outside [{}, {}] {}", v, s.min, s.max, s.unit));
  if (s.kind == ParamKind::Integer)
    s.integer_field(*this) = std::lround(v);
  else
    s.number_field(*this) = v;
}

void Parameters::set_series(const std::string& key, std::vector<double> v) {
  const ParamSpec& s = spec_of(key, ParamKind::Series);
  const std::string who = "parameter " + key;
  for (std::size_t i = 0; i < v.size(); ++i)
    if (!std::isfinite(v[i]) || v[i] < s.min || v[i] > s.max)
      throw ValidationError(who, key, fmt::format("element {} = {} is outside [{}, {}] {}", i + 1, v[i], s.min, s.max, s.unit));
  if (s.fixed_length && !s.default_series.empty() && v.size() != s.default_series.size())
    throw ValidationError(who, key, fmt::format("expects {} values, got {}", s.default_series.size(), v.size()));
  s.series_field(*this) = std::move(v);
}

void Parameters::set_text(const std::string& key, const std::string& v) {
  const ParamSpec& s = spec_of(key, ParamKind::Text);
  if (!s.choices.empty() && std::find(s.choices.begin(), s.choices.end(), v) == s.choices.end())
    throw ValidationError("parameter " + key, key, fmt::format("'{}' is not one of: {}", v, fmt::join(s.choices, ", ")));
  s.put_text(*this, v);
}

std::vector<std::string> Parameters::overridden() const {
  std::vector<std::string> out;
  auto& self = const_cast<Parameters&>(*this);
  for (const auto& s : registry()) {
    bool differs = false;
    switch (s.kind) {
      case ParamKind::Number: differs = s.number_field(self) != s.default_number; break;
      case ParamKind::Integer: differs = double(s.integer_field(self)) != s.default_number; break;
      case ParamKind::Series: differs = s.series_field(self) != s.default_series; break;
      case ParamKind::Text: differs = s.get_text(self) != s.default_text; break;
    }
    if (differs) out.push_back(s.key);
  }
  return out;
}

std::string parameters_markdown() {
  std::string out =
      "| key | unit | default | range | source | meaning |\n|---|---|---|---|---|---|\n";
  for (const auto& s : Parameters::registry()) {
    std::string def, range;
    switch (s.kind) {
      case ParamKind::Number: def = fmt::format("{}", s.default_number); break;
      case ParamKind::Integer: def = fmt::format("{}", std::lround(s.default_number)); break;
      case ParamKind::Series: def = fmt::format("[{}]", fmt::join(s.default_series, ", ")); break;
      case ParamKind::Text: def = "\"" + s.default_text + "\""; break;
    }
    if (s.kind == ParamKind::Text)
      range = fmt::format("{}", fmt::join(s.choices, " / "));
    else
      range = fmt::format("{} – {}", s.min, s.max >= 1e17 ? std::string("∞") : fmt::format("{}", s.max));
    out += fmt::format("| `{}` | {} | {} | {} | {} | {} |\n", s.key, s.unit, def, range, s.source, s.doc);
  }
  out += "\n### Cost parameters: plausible range and source (the cost Monte Carlo draws over low – high)\n\n"
         "| key | unit | default | low | high | source |\n|---|---|---|---|---|---|\n";
  for (const auto& s : Parameters::registry())
    if (s.has_range) out += fmt::format("| `{}` | {} | {} | {} | {} | {} |\n", s.key, s.unit, s.default_number, s.low, s.high, s.source);
  return out;
}

}  // namespace dorsale
