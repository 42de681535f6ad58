#pragma once
// The GraceTHD v2.0.1 exchange model (CNIG/Covadis "Aménagement numérique des territoires"),
// as far as dorsale reads and writes it: the schema of the tables a network needs (names,
// fields and types of the official delivery templates, written down once from them) and the
// codes of the value lists dorsale maps onto its model. No I/O: io/gracethd.cpp reads
// deliveries, io/network_writer.cpp writes them.
//
// The mapping (README "Real networks", both directions):
//   t_noeud                 -> Node (nd_code = id, nd_nom = name, point in Lambert-93)
//   t_sitetech.st_typelog   NRO <-> nro, HEBERG <-> dorsale_pop (a hosting site of active
//                           equipment that is not an NRO: where operators interconnect),
//                           BRASSAGE <-> external_hub (a long-distance patching site),
//                           CLIENT <-> data_centre; other site types (NRA*, SR*) -> junction
//   t_siteemission          <-> high_point (se_anfr, se_haut)
//   t_cable                 -> Link between cb_nd1 and cb_nd2: pairs = cb_capafo / 2 (rounded
//                           down), free pairs = (cb_fo_disp, or cb_capafo - cb_fo_util) / 2,
//                           or, when t_fibre lists its fibres, those no t_ropt route uses and
//                           not fo_etat HS, / 2;
//                           cb_avct E/S (or empty) in service, C/T planned, H/A left out;
//                           cb_proptyp CST/RAC/CES (or empty) owned, IRU/LOC/OCC leased
//   cheminements            a cheminement (t_cab_cond -> t_conduite -> t_cond_chem ->
//                           t_cheminement) carried by two cables or more is a shared-risk group
//                           named by its cm_code
#include <map>
#include <string>
#include <vector>

#include "models/network.h"

namespace dorsale::gracethd {

// How a delivery is written (`network export --format`): Shapefiles + CSV, or one GeoPackage.
enum class Format { ShpCsv, Gpkg };


enum class Geom { None, Point, LineString };

struct Field {
  std::string name;
  char type = 'S';  // 'S' String (width), 'I' Integer64 (11), 'R' Real (32.10), 'D' Date
  int width = 0;    // String width
};

struct Table {
  std::string name;  // "t_cable"
  Geom geom = Geom::None;
  std::vector<Field> fields;
  // A geometric table is a Shapefile in a v2.0.1 delivery, the others `;` CSV files.
  bool shapefile() const { return geom != Geom::None; }
  int index(const std::string& field) const;  // -1 when absent
};

// The tables dorsale writes, in the order of a delivery: t_noeud, t_cheminement, t_cableline
// (Shapefiles), t_cable, t_cab_cond, t_conduite, t_cond_chem, t_sitetech, t_siteemission,
// t_organisme (CSV). Field lists and types are the v2.0.1 templates'; the CSV tables' types
// (what a GeoPackage delivery stores) are the data model's (INTEGER -> Integer64, NUMERIC ->
// Real, DATE -> Date, VARCHAR(n) and TIMESTAMP -> String, as the Shapefile templates do).
const std::vector<Table>& tables();
// Tables read but not written: t_fibre, t_position, t_ropt.
const std::vector<Table>& read_tables();
const Table& table(const std::string& name);  // either list; throws std::out_of_range when unknown

// Value lists (l_*.csv codes) dorsale reads or writes.
const std::vector<std::string>& avancement_codes();      // l_avancement: E C T S H A
const std::vector<std::string>& propriete_codes();       // l_propriete_type: CST RAC CES IRU LOC OCC
const std::vector<std::string>& site_type_log_codes();   // l_site_type_log: NRA ... HEBERG
const std::vector<std::string>& implantation_codes();    // l_implantation_type: 0 .. 9
bool is_code(const std::vector<std::string>& list, const std::string& code);

// st_typelog of a node kind; empty for the kinds without a t_sitetech row (high_point:
// t_siteemission; junction: none).
std::string site_type_of(NodeKind k);
// Node kind of an st_typelog code (a code of the list); other site types give Junction.
NodeKind kind_of_site_type(const std::string& code);
// Which site type wins when a node carries several sites (NRO first).
int site_type_rank(const std::string& code);

// cb_avct E and S: in service; C and T: planned; H and A: left out.
bool avancement_in_service(const std::string& code);
bool avancement_planned(const std::string& code);
// cb_proptyp IRU, LOC and OCC: leased; CST, RAC, CES: owned.
bool propriete_leased(const std::string& code);
// cm_typ_imp 0 (telecom poles) and 1 (energy poles): aerial.
bool implantation_aerial(const std::string& code);

// The fibres an import knows (t_fibre, t_position), for the t_ropt rows of accepted routes:
// each cable link's free fibres in t_fibre's order (cb_code -> fo_code); each logical link of
// fibre chains (io/gracethd.cpp, README "Real networks": free fibres spliced end to end
// through closures, grouped by their sequence of cables): its cables from its end a to its end b,
// and its free chains, each one fibre per cable in that order.
struct Fibres {
  std::map<std::string, std::vector<std::string>> free;
  struct Chains {
    std::string from;  // the node id of end a
    std::vector<std::string> cables;
    std::vector<std::vector<std::string>> fibres;
  };
  std::map<std::string, Chains> chains;
};

// cb_r1_code of the Dorsale's cables (the network a cable belongs to).
inline constexpr const char* kDorsaleNetworkCode = "DORSALE";

}  // namespace dorsale::gracethd
