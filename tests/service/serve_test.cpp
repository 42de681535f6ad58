// `dorsale serve --network PATH`: the desk answers on a real network (here the built-in one sent
// through a GraceTHD delivery), requests naming its nodes by nd_code; the register's default
// place follows the network.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "io/gracethd.h"
#include "io/desk_json.h"
#include "service/desk.h"
#include "io/register.h"
#include "service/serve.h"
#include "test_support.h"
#include "io/network_writer.h"
#include "io/output_dir.h"

namespace dorsale::test {

TEST(Serve, NetworkOptionServesTheDeskOnARealNetwork) {
  TempDir tmp;
  const auto delivery = tmp.path() / "delivery";
  {
    viz::OutputDir out(delivery, "network");
    viz::write_gracethd(out, builtin_bfc().network, viz::GraceThdFormat::ShpCsv);
    out.commit();
  }
  service::ServeConfig cfg;
  cfg.network = delivery.string() + "/";
  const auto s = scenarios::builtin_scenario("bfc-2022");
  const Region region = service::desk_region(cfg, s);
  const auto imported = scenarios::read_network(delivery.string(), s.params);
  EXPECT_EQ(region.network.nodes().size(), imported.network.nodes().size());
  EXPECT_EQ(region.network.links().size(), imported.network.links().size());
  EXPECT_EQ(service::default_db("", cfg.network), delivery.string() + ".desk.sqlite");

  auto reg = service::make_sqlite_register((tmp.path() / "desk.sqlite").string());
  service::Desk desk(region, s.params, *reg);
  const service::Caller eng{"eng", service::Role::Engineer};
  const auto a = desk.submit(eng, R"({"id":"N1","requester":"Doubs THD","site":"nro:25-010","destination":"dorsale","pairs":2})", "")
                     .answer;
  EXPECT_EQ(a.status, service::RequestStatus::Held) << io::answer_json(a);
  EXPECT_NE(a.decision.decision, Decision::Reject) << io::answer_json(a);
  // a node code the network does not have is refused, naming the field
  try {
    desk.submit(eng, R"({"id":"N2","requester":"x","site":"nowhere:1","destination":"dorsale","pairs":2})", "");
    ADD_FAILURE() << "an unknown node was accepted";
  } catch (const service::ApiError& e) {
    EXPECT_EQ(e.status(), 400);
    EXPECT_EQ(e.field(), "site");
  }
  // without any network to route on: one error naming the path
  cfg.network = (tmp.path() / "missing").string();
  EXPECT_THROW(service::desk_region(cfg, s), InputError);
}

}  // namespace dorsale::test
