#pragma once
// Named parameters, typed. Every number a user might question (a cost, a rate, a share, a
// radius) is a field of one section struct below, and is registered once, in
// models/parameters.cpp, with its key ("section.field", the TOML table and key of a scenario
// file), unit, default, range, source ("seed: ..." for the SCORAN 2019, "open data: ..." or
// "assumption") and meaning, bound to its field (in the manner of HiGHS' option records).
// Code reads the fields (`P.costs.build_eur_per_km`); only the loaders (scenario and sweep
// files) and the docs go through the keys. `dorsale params --markdown` prints the registry;
// scenarios/README.md holds that table.
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace dorsale {

// The sections. The fields hold no defaults of their own: Parameters() sets every field from
// its record. Number -> double, Integer -> long, Series -> std::vector<double>, Text -> string,
// or an enum when the text is one of a closed set of choices (the registry lists the choices
// in the enum's order; io/spelling.h spells them for the files, a test checks both agree).
namespace param {

enum class PopRule { Prefecture, MostPopulated };            // network.derived_pop_rule
enum class LinkOnlyDiversity { Reject, Accept };             // interconnect.link_only_diversity
enum class BudgetScale { PremisesShare, None, Refuse };      // budgets.scale
enum class RolloutOptimiser { Heuristic, Exact };            // rollout.optimiser
enum class PaceModel { None, Ramp };                         // pace.model
enum class RadiusFit { WhiteZones, None };                   // towers.radius_fit
enum class L3313Zone { Amii, Amel };                         // opendata.l3313_zone
enum class Geography { Y2018, Current };                     // opendata.geography
enum class RemoteOffer { NonDense, All, None };              // quantities.remote_offer
enum class McDistribution { Triangular, Uniform };           // quantities.mc_distribution

struct Calibration {
  long communes{};
  long population{};
  long premises{};
  double business_share{};
  double share_under_500{};
  double rural_population_share{};
  double premises_per_inhabitant_rural_bonus{};
};

struct Bands {
  double thd_share{};
  double below8_share{};
  double below3_share{};
  double ftth_share{};
  double ftth_share_private_zone{};
  double ftth_share_public_zone{};
};

struct Phase2 {
  long amel_premises{};
  long dsp_premises{};
  long jura_premises{};
};

struct ThdRadio {
  long communes{};
  long premises{};
};

struct Mobile {
  double coverage_orange{};
  double coverage_sfr{};
  double coverage_bouygues{};
  double coverage_free{};
  double white_zone_share{};
  long sites_orange{};
  long sites_sfr{};
  long sites_bouygues{};
  long sites_free{};
  double site_sharing_share{};
  double fibred_share{};
  double candidate_build_eur{};
};

struct Network {
  double dorsale_km{};
  long dorsale_pairs{};
  double dorsale_used_share{};
  long rip_pairs{};
  double rip_used_share{};
  double nro_spacing_km{};
  double rip_detour_factor{};
  double transit_detour_factor{};
  double corridor_detour_factor{};  // derived plans (no plan file)
  long derived_hubs{};
  PopRule derived_pop_rule{};
  double data_centre_km{};
  double latency_us_per_km{};
  long resilience_listed_nodes{};  // cut nodes listed per failure (dorsale resilience; --full: all)
};

struct Costs {
  double lease_eur_per_pair_km_year{};
  double build_eur_per_km{};
  double owned_eur_per_pair_km_year{};
  double ftth_dense_eur_per_premises{};
  double ftth_intermediate_eur_per_premises{};
  double ftth_rural_eur_per_premises{};
  double ftth_private_eur_per_premises{};
};

// Costs of the cables of an imported GraceTHD network (io/gracethd.cpp); the lease, the
// trench and the owned-pair costs are those of Costs.
struct Gracethd {
  double duct_pull_eur_per_km{};
  double aerial_build_eur_per_km{};
  double end_snap_m{};          // a t_cableline end within this of a t_noeud point ends there
  double length_gap_share{};    // network check: declared vs geometry length gap reported above
};

struct Interconnect {
  double attach_detour_factor{};
  long attach_candidates{};
  double attach_max_km{};
  LinkOnlyDiversity link_only_diversity{};
  double optimal_time_limit_s{};
  long route_options{};
};

// the interconnection desk (`dorsale serve`)
struct Desk {
  double hold_days{};
  double header_timeout_s{};
  double body_timeout_s{};
  double keepalive_timeout_s{};
  long keepalive_max_requests{};
  long connections_per_address{};
  long quota_held_pairs{};
  long quota_open_holds{};
  long quota_submissions_per_minute{};
  long import_chunk_rows{};
  long list_default_limit{};
  long list_max_limit{};
  long search_max_chars{};
  long search_sample_rows{};
  long reason_max_chars{};
  long comment_max_chars{};
  // webhooks (notices of state changes to requester organisations)
  double webhook_timeout_s{};
  double webhook_backoff_initial_s{};
  double webhook_backoff_max_s{};
  double webhook_poll_s{};
  long webhook_batch_events{};
  long webhook_url_max_chars{};
};

struct Targets {
  long good_broadband_year{};
  long thd_year{};
  long ftth_year{};
};

struct Budgets {
  std::vector<double> public_eur_per_year{};
  BudgetScale scale{};           // open-data regions: premises_share, none or refuse (scenarios::fit_budgets)
  long reference_premises{};     // the premises the default budgets are sized for
};

struct Rollout {
  long dense_min_premises{};
  long intermediate_min_premises{};
  double dsp_public_share{};
  long private_slippage_years{};
  double weight_below8{};
  double weight_other{};
  double collecte_candidate_km{};
  RolloutOptimiser optimiser{};
  double exact_time_limit_s{};
  long window_max_units{};
  long window_max_nodes{};
};

struct Alternatives {
  long year{};
  double copper_upgrade_share{};
  double copper_upgrade_eur{};
  double copper_upgrade_mbps{};
  double thd_radio_eur{};
  double thd_radio_mbps{};
  double fourg_fixe_spare_share{};
  double fourg_fixe_eur{};
  double fourg_fixe_mbps{};
  double satellite_eur{};
  double satellite_mbps{};
};

struct Towers {
  double radius_urban_m{};
  double radius_rural_m{};
  double radius_mountain_m{};
  long premises_per_point{};
  double point_spread_m{};
  long sites_per_year{};
  long backhaul_horizon_years{};
  RadiusFit radius_fit{};
  double radius_fit_max_scale{};
  long local_search_work{};
};

struct Guichet {
  double speed_threshold_mbps{};
  long horizon_years{};
  double uptake_mean{};
  double uptake_sd{};
  double cost_sd{};
  double satellite_preference_mean{};
  double satellite_preference_sd{};
  double thd_radio_cap_eur{};
  double fourg_fixe_cap_eur{};
  double satellite_cap_eur{};
  long draws{};
  // dated rules (ANCT "Cohésion numérique des territoires") and correlated take-up
  double uptake_correlation{};
  long scheme_start{};
  long all_communes_from{};
  double listed_share{};
  double cap_2019_eur{};
  double offer_2019_mbps{};
  long rules_2022_from{};
  double cap_2022_eur{};
  double cap_2022_social_eur{};
  double offer_2022_mbps{};
  double social_minima_share{};
  double activation_eur{};
  long scheme_end{};
};

// Bills of quantities (planner/quantities.h) and the cost Monte Carlo (solvers/cost_mc.h).
struct Quantities {
  long pm_min_premises{};
  long pm_min_premises_remote{};
  RemoteOffer remote_offer{};
  long mc_draws{};
  McDistribution mc_distribution{};
};

// The build pace of the roll-out (planner/rollout.cpp): besides each year's budget, what the
// works can pass in a year, per département (its RIP) and for the private operators there.
// model "none": budgets only (each commune whole in the year the plan gives it). "ramp": each
// year passes at most, per département,
//   private: private_share_per_year x the private zone's premises (AMII/AMEL, the operators'
//            own rhythm, flat), and
//   public:  public_share_per_year x the RIP zone's premises, ramped linearly from 0 at
//            public_start_year to full pace public_ramp_years later,
// each also at most 1/tail_years of what remains in that zone (the last premises go slower),
// and the public part within the year's budget. Shares are per year; the first plan year runs
// from the region's state date (or rollout start_date) to 31 December.
struct Pace {
  PaceModel model{};
  double private_share_per_year{};
  double public_share_per_year{};
  double public_start_year{};
  double public_ramp_years{};
  long public_target_year{};
  double tail_years{};
  std::string start_date{};
  double private_prior_sd{};
};

// Fitted or sourced values of one département (a [pace.departements."21"] table).
struct PaceDepartement {
  double private_share_per_year = -1;  // < 0: the [pace] value
  double public_share_per_year = -1;
  double public_start_year = -1;
  double public_target_year = -1;
};

struct Opendata {
  L3313Zone l3313_zone{};
  std::vector<double> band_shares_urban{};
  std::vector<double> band_shares_rural{};
  long private_ftth_year{};
  Geography geography{};
};

}  // namespace param

struct Parameters;

enum class ParamKind { Number, Integer, Series, Text };

// One parameter's record, bound to its field.
struct ParamSpec {
  std::string key;  // "section.field", the TOML table and key in a scenario file
  ParamKind kind = ParamKind::Number;
  std::string unit;
  std::string source;
  std::string doc;
  double min = 0, max = 0;               // inclusive range for numbers and series elements
  double default_number = 0;
  std::vector<double> default_series;
  std::string default_text;
  std::vector<std::string> choices;      // allowed values of a Text parameter
  bool fixed_length = true;              // a Series must keep its default's length
  // A cost parameter's plausible range [low, high] from its source, which the cost Monte Carlo
  // draws over (solvers/cost_mc.h); not the validity range min/max above (what a scenario may
  // set). has_range false: not a cost parameter.
  bool has_range = false;
  double low = 0, high = 0;
  // the field (one of them, after the kind)
  std::function<double&(Parameters&)> number_field;
  std::function<long&(Parameters&)> integer_field;
  std::function<std::vector<double>&(Parameters&)> series_field;
  // Text: the value as spelled (a choice: its spelling in `choices`, by the enum's index)
  std::function<std::string(const Parameters&)> get_text;
  std::function<void(Parameters&, const std::string&)> put_text;
};

struct Parameters {
  param::Calibration calibration;
  param::Bands bands;
  param::Phase2 phase2;
  param::ThdRadio thd_radio;
  param::Mobile mobile;
  param::Network network;
  param::Costs costs;
  param::Gracethd gracethd;
  param::Interconnect interconnect;
  param::Desk desk;
  param::Targets targets;
  param::Budgets budgets;
  param::Rollout rollout;
  param::Alternatives alternatives;
  param::Towers towers;
  param::Guichet guichet;
  param::Opendata opendata;
  param::Quantities quantities;
  param::Pace pace;
  // [pace.departements."<code>"] overrides, by département code (not registry keys: their
  // meaning is that of the pace.* parameters of the same name).
  std::map<std::string, param::PaceDepartement> pace_by_departement;

  Parameters();  // every parameter at its default

  static const std::vector<ParamSpec>& registry();
  static const ParamSpec* find_spec(const std::string& key);  // nullptr when unknown

  // Access by key, for the loaders and the docs only. The setters check the key exists, the
  // kind matches and the value is in range; they throw ValidationError("parameter <key>", <key>,
  // why) otherwise.
  double number(const std::string& key) const;  // Number or Integer
  void set_number(const std::string& key, double v);
  void set_series(const std::string& key, std::vector<double> v);
  void set_text(const std::string& key, const std::string& v);

  // Keys whose value differs from the default (for provenance in outputs).
  std::vector<std::string> overridden() const;
};

// Markdown table of the registry (key, unit, default, range, source, meaning), then the table
// of the cost parameters (key, unit, default, plausible low and high, source).
std::string parameters_markdown();

}  // namespace dorsale
