#include "models/run_summary.h"

#include <map>

namespace dorsale {

ShareFigures share_figures(const std::array<std::int64_t, kBandCount>& b) {
  const double p = double(b[0] + b[1] + b[2] + b[3] + b[4]);
  auto pct = [&](std::int64_t v) { return p > 0 ? 100.0 * double(v) / p : 0.0; };
  return {pct(b[2] + b[3] + b[4]), pct(b[3] + b[4]), pct(b[4])};
}

std::vector<YearTotals> year_totals(const Region& region, const ScenarioResults& res) {
  const auto& st = res.communes;
  std::map<std::string, std::size_t> dep_index;
  for (const auto& d : region.departements) dep_index.emplace(d.code, dep_index.size());
  std::vector<YearTotals> out;
  for (std::size_t y = 0; y < st.years.size(); ++y) {
    YearTotals t;
    t.year = st.years[y];
    t.bands_by_departement.assign(region.departements.size(), {});
    const bool techs = res.rollout.planned && y < res.rollout.alternatives.size();
    for (std::size_t i = 0; i < st.states[y].size(); ++i) {
      const std::size_t d = dep_index.at(region.communes[i].departement);
      for (int b = 0; b < kBandCount; ++b) {
        t.bands[b] += st.states[y][i][b];
        t.bands_by_departement[d][b] += st.states[y][i][b];
      }
      if (techs)
        for (int k = 0; k < kTechnologyCount; ++k) t.technologies[k] += res.rollout.alternatives[y][i][k];
    }
    out.push_back(std::move(t));
  }
  return out;
}

RolloutTotals rollout_totals(const RolloutResults& ro) {
  RolloutTotals t;
  for (const auto& y : ro.years) {
    t.public_spend_eur += y.public_spend_eur;
    t.private_spend_eur += y.private_spend_eur;
    t.alternatives_eur += y.alternatives_eur;
    t.collecte_eur += y.collecte_eur;
    t.collecte_km += y.collecte_km;
  }
  return t;
}

RunSummary summarize_run(const Region& region, const ScenarioResults& res) {
  RunSummary s;
  s.name = res.info.scenario;
  s.start_date = res.rollout.start_date;
  for (const auto& [code, premises] : compute_totals(region).premises_by_departement) s.premises_by_departement[code] = premises;
  const RegionTotals totals = compute_totals(region);
  s.communes = totals.communes;
  s.premises = totals.premises;
  for (const auto& d : region.departements) s.departement_names[d.code] = d.name;
  s.planned = res.rollout.planned;
  if (!s.planned) return s;
  const auto years = year_totals(region, res);
  for (std::size_t y = 0; y < years.size(); ++y) {
    RunSummary::Year ry;
    ry.year = years[y].year;
    ry.figures.shares = share_figures(years[y].bands);
    ry.figures.premises_by_technology = years[y].technologies;
    const auto& b = years[y].bands;
    ry.premises = b[0] + b[1] + b[2] + b[3] + b[4];
    ry.below_8 = b[int(Band::Below3)] + b[int(Band::From3To8)];
    ry.below_30 = ry.below_8 + b[int(Band::From8To30)];
    ry.ftth = b[int(Band::Ftth)];
    if (y > 0 && y - 1 < res.rollout.years.size()) {
      const auto& ys = res.rollout.years[y - 1];
      ry.figures.public_spend_eur = ys.public_spend_eur;
      ry.figures.private_spend_eur = ys.private_spend_eur;
      ry.figures.alternatives_eur = ys.alternatives_eur;
      ry.budget_eur = ys.budget_eur;
      if (ys.pace_limited) ry.limit = year_limit(ys);
    }
    for (std::size_t d = 0; d < region.departements.size(); ++d)
      ry.by_departement.try_emplace(region.departements[d].code, share_figures(years[y].bands_by_departement[d]));
    s.trajectory.push_back(std::move(ry));
  }
  s.targets = res.targets;
  s.rollout = rollout_totals(res.rollout);
  return s;
}

}  // namespace dorsale
