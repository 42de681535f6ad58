#pragma once
// A commune: the unit at which dorsale counts premises ("locaux": dwellings + business sites),
// their service band, their zone and their FttH plan.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "models/geo.h"

namespace dorsale {

// Fixed-broadband service bands of the SCORAN (DOMAIN.md): below 3 Mbit/s, "haut débit"
// 3–8, "bon haut débit" 8–30, THD (≥ 30) on a non-fibre technology, FttH.
enum class Band : int { Below3 = 0, From3To8 = 1, From8To30 = 2, ThdNonFtth = 3, Ftth = 4 };
inline constexpr int kBandCount = 5;
// (Band, Zone: spelled by io/spelling.h)

// Who deploys FttH in the commune.
//  AMII: private operators with their own money (2011 call for intentions).
//  AMEL: private operators under a binding L.33-13 commitment, in a formerly public zone.
//  RIP:  the public-initiative network of the département (régie or DSP concession).
enum class Zone : int { Amii = 0, Amel = 1, Rip = 2, Unknown = 3 };
inline constexpr int kZoneCount = 4;

// Phase-2 FttH (the ~510,000 premises still to build after phase 1): who carries it.
enum class Phase2 : int { None = 0, Amel = 1, Dsp = 2, Unknown = 3 };
const char* phase2_key(Phase2 p);  // "none", "amel", "dsp", "unknown"

// Mobile network operators, in the order used by every per-operator array.
enum class Operator : int { Orange = 0, Sfr = 1, Bouygues = 2, Free = 3 };
inline constexpr int kOperatorCount = 4;
const char* operator_name(Operator o);  // "Orange", "SFR", "Bouygues Telecom", "Free Mobile"
// MCC-MNC code of the ARCEP files (20801 Orange, 20810 SFR, 20815 Free, 20820 Bouygues).
std::optional<Operator> operator_from_mccmnc(int code);

struct FtthPlan {
  int year = 0;       // year FttH is completed in the commune; 0 = no plan known
  std::string actor;  // "Orange", "SFR", "RIP 21 DSP", ... ; empty = unknown
};

struct Commune {
  std::string code;  // INSEE code, 5 characters (2A/2B allowed)
  std::string name;
  std::string departement;  // département code ("21", "2A", "971")
  Position centroid;
  // Optional outline: polygons, each an outer ring then its holes, as lon/lat pairs (WGS84).
  // Empty for generated regions.
  using Ring = std::vector<std::array<double, 2>>;
  std::vector<std::vector<Ring>> polygons;

  std::int64_t population = 0;  // inhabitants (INSEE municipal population or generated)
  std::int64_t dwellings = 0;
  std::int64_t business_sites = 0;
  // Premises (dwellings + business sites) by band; sums to premises().
  std::array<std::int64_t, kBandCount> premises_by_band{};

  // FttH premises passed ("locaux raccordables") as the source counts them. The ARCEP file
  // can count more than dwellings + business sites; the Ftth band is capped at premises().
  std::int64_t ftth_passed = 0;

  Zone zone = Zone::Unknown;
  Phase2 phase2 = Phase2::None;
  std::int64_t phase2_premises = 0;  // premises of the commune in phase 2
  FtthPlan ftth_plan;
  std::int64_t thd_radio_premises = 0;  // premises eligible to THD radio (RCube)

  // Share of the population covered in 4G by each operator, in [0, 1]; absent when the
  // source does not give it. white_zone_share: share of premises covered by no operator.
  std::optional<std::array<double, kOperatorCount>> coverage_4g;
  std::optional<double> white_zone_share;

  bool rural = false;
  bool mountain = false;
  std::string nro;  // id of the NRO node serving the commune in the network; may be empty

  std::int64_t premises() const { return dwellings + business_sites; }
  std::int64_t band(Band b) const { return premises_by_band[static_cast<int>(b)]; }
};

// Throws ValidationError naming the commune and the field: negative counts, bands that do
// not add up to the premises, shares outside [0, 1], malformed code, etc.
void validate(const Commune& c);

}  // namespace dorsale
