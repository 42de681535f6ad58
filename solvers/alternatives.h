#pragma once
// Alternatives to FttH for the THD target: premises still below 30 Mbit/s get one technology
// (copper upgrade, THD radio, 4G fixe, satellite, ...) within each one's capacity in their
// commune, the cheapest first.
//
// Rule, per commune: the options are taken in increasing cost (equal costs: input order);
// each serves the worst-served premises first (below 3, then 3–8, then 8–30 Mbit/s) up to its
// capacity, and only premises it lifts to a better band: an option of >= 30 Mbit/s moves them
// to ">= 30 without FttH", one of 8–30 Mbit/s serves only the bands below 8 and moves them to
// 8–30. A premises gets at most one option: those an 8–30 option lifted are not served again.
// An option slower than 8 Mbit/s serves the three bands and moves them out of every band
// (they are counted in `premises` only).
//
// Capacity of an option in a commune: floor(share x [best 4G coverage] x premises below
// 30 Mbit/s), and at most the commune's THD radio footprint when the option is limited to it.
//
// Contract: const input; O(communes x options). An invalid input (a negative count, share,
// coverage or cost, a NaN) is reported by the status, nothing is allocated.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "models/results.h"

namespace dorsale::solvers {

struct AlternativeOption {
  Technology technology = Technology::Satellite;
  double eur_per_premises = 0;
  double mbps = 0;
  // capacity rule (see above)
  double share = 1.0;                       // of the commune's premises below 30 Mbit/s
  bool scaled_by_4g_coverage = false;       // x the commune's best operator 4G coverage
  bool limited_to_radio_footprint = false;  // at most the commune's THD radio premises
};

struct AlternativesProblem {
  struct Commune {
    // premises below 3, 3–8, 8–30 Mbit/s, and >= 30 Mbit/s without FttH
    std::array<std::int64_t, 4> bands{};
    double coverage_4g = 0;            // best operator's share of the commune covered in 4G
    std::int64_t radio_footprint = 0;  // premises the THD radio network can serve
  };
  std::vector<Commune> communes;
  std::vector<AlternativeOption> options;
};

enum class AlternativesStatus { Ok, InvalidInput };

struct AlternativesPlan {
  AlternativesStatus status = AlternativesStatus::Ok;
  std::string message;                                 // what is invalid
  std::vector<std::array<std::int64_t, 4>> bands;      // per commune, after the alternatives
  std::vector<std::vector<std::int64_t>> premises;     // [commune][option]: premises served
  double cost_eur = 0;                                 // sum of premises x cost per premises
};

AlternativesPlan allocate_alternatives(const AlternativesProblem& p);

}  // namespace dorsale::solvers
