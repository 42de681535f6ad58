#pragma once
// The one spelling of each closed set that files and the command line carry: statuses, modes,
// methods and the parameters' choices. One table per enum (`spellings`, in the enum's order,
// the enums counting from 0); `spell` writes, `parse_spelling` reads, and `parse_or_throw` is an
// InputError naming the file, the line, the field and the allowed spellings. The code compares
// enums, never these strings (issue #22). The parameter registry lists the same choices for its
// docs and its TOML keys (models/parameters.cpp); a test checks both agree, word for word.
#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "models/actuals.h"
#include "models/commune.h"
#include "models/error.h"
#include "models/gracethd.h"
#include "models/guichet.h"
#include "models/interconnection.h"
#include "models/network.h"
#include "models/parameters.h"
#include "models/resilience.h"
#include "models/solve.h"
#include "models/technology.h"

namespace dorsale::io {

// ---- statuses, modes, methods (outputs) ----
constexpr std::array<const char*, 5> spellings(MipStatus) { return {"optimal", "feasible", "infeasible", "time_limit", "error"}; }
constexpr std::array<const char*, 2> spellings(MipBackend) { return {"glpk", "cbc"}; }
constexpr std::array<const char*, 3> spellings(SolveMethod) { return {"heuristic", "exact-glpk", "exact-cbc"}; }
constexpr std::array<const char*, 2> spellings(QueueMode) { return {"fcfs", "optimal"}; }
constexpr std::array<const char*, 3> spellings(Diversity) { return {"", "risk_disjoint", "link_only"}; }
constexpr std::array<const char*, 2> spellings(gracethd::Format) { return {"gracethd", "gpkg"}; }
constexpr std::array<const char*, 2> spellings(Protection) { return {"none", "diverse"}; }
constexpr std::array<const char*, 3> spellings(Decision) { return {"accept", "accept_with_works", "reject"}; }
constexpr std::array<const char*, 3> spellings(FailureKind) { return {"link", "srg", "node"}; }
constexpr std::array<const char*, 2> spellings(ResilienceStatus) { return {"complete", "no_core"}; }

// ---- identities and classes of the region, the network and the plan (outputs and inputs) ----
constexpr std::array<const char*, kBandCount> spellings(Band) { return {"below_3", "3_8", "8_30", "thd_non_ftth", "ftth"}; }
constexpr std::array<const char*, kZoneCount> spellings(Zone) { return {"amii", "amel", "rip", "unknown"}; }
constexpr std::array<const char*, 6> spellings(NodeKind) {
  return {"dorsale_pop", "external_hub", "nro", "high_point", "data_centre", "junction"};
}
constexpr std::array<const char*, 3> spellings(LinkStatus) { return {"leased", "owned", "planned"}; }
constexpr std::array<const char*, kTechnologyCount> spellings(Technology) { return {"copper_upgrade", "thd_radio", "4g_fixe", "satellite"}; }
constexpr std::array<const char*, kGuichetTechs> spellings(GuichetTech) { return {"thd_radio", "4g_fixe", "satellite"}; }
constexpr std::array<const char*, 1> spellings(Indicator) { return {"ftth"}; }

// ---- parameter choices (scenario TOML; the registry lists the same, in this order) ----
constexpr std::array<const char*, 2> spellings(param::PopRule) { return {"prefecture", "most_populated"}; }
constexpr std::array<const char*, 2> spellings(param::LinkOnlyDiversity) { return {"reject", "accept"}; }
constexpr std::array<const char*, 3> spellings(param::BudgetScale) { return {"premises_share", "none", "refuse"}; }
constexpr std::array<const char*, 2> spellings(param::RolloutOptimiser) { return {"heuristic", "exact"}; }
constexpr std::array<const char*, 2> spellings(param::PaceModel) { return {"none", "ramp"}; }
constexpr std::array<const char*, 2> spellings(param::RadiusFit) { return {"white_zones", "none"}; }
constexpr std::array<const char*, 2> spellings(param::L3313Zone) { return {"amii", "amel"}; }
constexpr std::array<const char*, 2> spellings(param::Geography) { return {"2018", "current"}; }
constexpr std::array<const char*, 3> spellings(param::RemoteOffer) { return {"non_dense", "all", "none"}; }
constexpr std::array<const char*, 2> spellings(param::McDistribution) { return {"triangular", "uniform"}; }

// The spelling of e.
template <class E>
const char* spell(E e) {
  return spellings(E{})[std::size_t(e)];
}

// The value spelled s; nullopt when s is none of the spellings.
template <class E>
std::optional<E> parse_spelling(std::string_view s) {
  const auto table = spellings(E{});
  for (std::size_t k = 0; k < table.size(); ++k)
    if (s == table[k]) return E(k);
  return std::nullopt;
}

// "a, b, c": the allowed spellings, for messages.
template <class E>
std::string allowed_spellings() {
  std::string out;
  for (const char* s : spellings(E{})) out += (out.empty() ? "" : ", ") + std::string(s);
  return out;
}

// The value spelled s, or InputError(file, line, field, "'s' is not one of: a, b, c").
template <class E>
E parse_or_throw(std::string_view s, const std::string& file, long line, const std::string& field) {
  if (auto e = parse_spelling<E>(s)) return *e;
  throw InputError(file, line, field, "'" + std::string(s) + "' is not one of: " + allowed_spellings<E>());
}

}  // namespace dorsale::io
