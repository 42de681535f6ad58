#pragma once
// ARCEP actuals, as published (issue "plans that meet what happened"):
//  - the barometre layout (the government's "baromètre des résultats", one row per indicator,
//    département and date: columns code_departement, date (YYYY-MM-DD), valeur (%), and
//    id_indicateur when present: rows of indicators other than taux-deploiement-fibre are
//    ignored);
//  - ARCEP's per-commune observatory layout (ftthCommunes-*.csv: a few title lines, then
//    "Code commune,Champ,T3 2017,T4 2017,..." with one column per quarter; the rows whose
//    Champ is "Locaux Raccordables" are summed per département and divided by the
//    département's premises, given by the caller).
// Rows of départements the caller does not list are ignored. A value that is not a decimal
// number, a date that is not a date, a percentage outside 0–100, the same département and
// date twice, or a header without the columns: one InputError naming file, line and field.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "models/actuals.h"

namespace dorsale::io {

struct ActualsScope {
  std::vector<std::string> departements;                   // codes kept; empty: all
  std::map<std::string, std::int64_t> premises_by_departement;  // observatory layout only
};

// The barometre's indicator id of the FttH deployment rate.
inline constexpr const char* kBarometreFtthId = "taux-deploiement-fibre";

Actuals read_actuals(const std::string& path, const ActualsScope& scope);

// The per-commune observatory as it is: premises passed per commune code and quarter.
struct ObservatoryCommunes {
  std::vector<Date> quarters;  // the columns' quarter ends, in file order
  std::map<std::string, std::vector<std::int64_t>> passed;  // by commune code, one per quarter
};
ObservatoryCommunes read_observatory_communes(const std::string& path);

}  // namespace dorsale::io
