// The parameter registry's sections for the plan: roll-out, build pace, alternatives, towers,
// guichet, open-data derivation, bills of quantities, and the cost parameters' ranges.
#include <algorithm>
#include <stdexcept>

#include "models/param_table.h"

namespace dorsale::param_table {

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
namespace {
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

}  // namespace

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


}  // namespace dorsale::param_table

#undef P
