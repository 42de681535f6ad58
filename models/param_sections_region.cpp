// The parameter registry's sections for the region and its networks: calibration of the
// generated region, mobile networks, the network, interconnection requests, the desk, targets.
#include "models/param_table.h"

namespace dorsale::param_table {

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
    integer(P(desk, search_sample_rows), 5000, "requests", 1, 1e9, "assumption (issue #25: a page with a search in < 50 ms at 100,000 requests)",
            "A search of 1 or 2 characters (no trigram index serves it) on more requests than this: the list's total is estimated from the newest this many (\"total_is_estimate\": true); on fewer it is exact."),
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

}  // namespace dorsale::param_table

#undef P
