// ARCEP actuals as published (io/actuals.h): the barometre and the per-commune observatory.
#include "io/actuals.h"

#include <gtest/gtest.h>

#include <fstream>

#include "test_support.h"

namespace {

using dorsale::test::input_error_of;
using dorsale::test::TempDir;

const char* kHeader = "mesure,indicateur,id_indicateur,code_departement,libelle_departement,date,valeur,unite\n";

std::string write(const TempDir& t, const std::string& name, const std::string& text) {
  const auto p = t.path() / name;
  std::ofstream(p, std::ios::binary) << text;
  return p.string();
}

TEST(Actuals, BarometreKeepsTheFtthRowsOfTheListedDepartements) {
  TempDir t;
  const std::string f = write(t, "b.csv", std::string(kHeader) +
                                              "m,Taux,taux-deploiement-fibre,21,Côte-d'Or,2019-12-31,34.5,%\n"
                                              "m,Autre,taux-couverture-4g,21,Côte-d'Or,2019-12-31,99.0,%\n"
                                              "m,Taux,taux-deploiement-fibre,21,Côte-d'Or,2018-12-31,30,%\n"
                                              "m,Taux,taux-deploiement-fibre,75,Paris,2018-12-31,90,%\n");
  const auto a = dorsale::io::read_actuals(f, {{"21", "25"}, {}});
  ASSERT_EQ(a.points.size(), 2u);  // the 4G row and Paris are ignored
  EXPECT_EQ(a.layout, "barometre");
  EXPECT_EQ(dorsale::to_string(a.points[0].date), "2018-12-31");  // sorted by date
  EXPECT_DOUBLE_EQ(a.points[0].pct, 30);
  EXPECT_DOUBLE_EQ(a.points[1].pct, 34.5);
  // until: only what is dated up to it
  EXPECT_EQ(dorsale::actuals_until(a, dorsale::parse_date("2019-06-30")).points.size(), 1u);
}

TEST(Actuals, BadRowsAreOneErrorNamingLineAndField) {
  TempDir t;
  auto err = [&](const std::string& row) {
    const std::string f = write(t, "bad.csv", std::string(kHeader) + "m,T,taux-deploiement-fibre,21,C,2018-12-31,30,%\n" + row);
    return input_error_of([&] { dorsale::io::read_actuals(f, {}); }, row);
  };
  auto e = err("m,T,taux-deploiement-fibre,21,C,2019-13-31,30,%\n");
  EXPECT_EQ(e.field(), "date");
  EXPECT_EQ(e.line(), 3);
  EXPECT_EQ(err("m,T,taux-deploiement-fibre,21,C,2019-12-31,0x10,%\n").field(), "valeur");
  EXPECT_EQ(err("m,T,taux-deploiement-fibre,21,C,2019-12-31,1e2,%\n").field(), "valeur");
  EXPECT_EQ(err("m,T,taux-deploiement-fibre,21,C,2019-12-31,100.5,%\n").field(), "valeur");
  EXPECT_EQ(err("m,T,taux-deploiement-fibre,21,C,2019-12-31,-1,%\n").field(), "valeur");
  EXPECT_EQ(err("m,T,taux-deploiement-fibre,21,C,2018-12-31,31,%\n").field(), "date");  // twice
  EXPECT_EQ(input_error_of([&] { dorsale::io::read_actuals(write(t, "x.csv", "a,b\n1,2\n"), {}); }).field(), "code_departement");
  EXPECT_FALSE(input_error_of([&] { dorsale::io::read_actuals((t.path() / "missing.csv").string(), {}); }).file().empty());
}

TEST(Actuals, ObservatoryLayoutSumsCommunesPerDepartement) {
  TempDir t;
  const std::string f = write(t, "o.csv",
                              "Réseaux en fibre optique jusqu'à l'abonné (FttH),,,,\nDéploiement par Commune,,,,\n,,,,\n,,,,\n"
                              "Code commune,Champ,T4 2017,T1 2018,T2 2018\n"
                              "21001,Locaux Raccordables,10,20,\u00a0\u00a0\u00a030\n"
                              "21001,Catégorie,0,0,0\n"
                              "21002,Locaux Raccordables,0,-,1\u00a0000\n"
                              "25001,Locaux Raccordables,5,5,5\n");
  const auto a = dorsale::io::read_actuals(f, {{"21"}, {{"21", 2000}}});
  ASSERT_EQ(a.points.size(), 3u);
  EXPECT_EQ(a.layout, "observatory");
  EXPECT_EQ(dorsale::to_string(a.points[0].date), "2017-12-31");
  EXPECT_EQ(dorsale::to_string(a.points[2].date), "2018-06-30");
  EXPECT_DOUBLE_EQ(a.points[0].pct, 0.5);
  EXPECT_DOUBLE_EQ(a.points[1].pct, 1.0);
  EXPECT_DOUBLE_EQ(a.points[2].pct, 51.5);
  const auto oc = dorsale::io::read_observatory_communes(f);
  EXPECT_EQ(oc.passed.at("21002")[2], 1000);
}

TEST(Actuals, SharedBarometreReadsEveryQuarter) {
  DORSALE_REQUIRE_SHARED_DATA(dir);
  const auto a = dorsale::io::read_actuals(dir + "/arcep-actuals/barometre-fibre-bfc-2017-2020.csv", {});
  EXPECT_EQ(a.points.size(), 104u);  // 13 quarters x 8 départements (SOURCES.md)
  for (const auto& p : a.points) {
    EXPECT_GE(p.pct, 0);
    EXPECT_LE(p.pct, 100);
  }
}

}  // namespace
