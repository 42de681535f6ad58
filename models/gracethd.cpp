#include "models/gracethd.h"

#include <algorithm>
#include <stdexcept>

namespace dorsale::gracethd {

namespace {

struct Spec {
  const char* name;
  Geom geom;
  const char* fields;  // "name:TYPE,..." with TYPE S<width>, I, R or D
};

// Written once from the v2.0.1 delivery templates (db_shpcsv/: the Shapefiles' .dbf fields,
// the CSV headers) and, for the CSV tables' types, the data model's documentation
// (gracethd-mcd-v2.0.1_doc_r04, MCD_Attributs). Tests compare them with the templates when
// they are at hand (tests/io/gracethd_test.cpp).
const Spec kSpecs[] = {
    {"t_noeud", Geom::Point,
     "nd_code:S254,nd_codeext:S254,nd_nom:S254,nd_coderat:S254,nd_r1_code:S100,nd_r2_code:S100,"
     "nd_r3_code:S100,nd_r4_code:S100,nd_voie:S254,nd_type:S2,nd_type_ep:S3,nd_comment:S254,"
     "nd_dtclass:S2,nd_geolqlt:R,nd_geolmod:S4,nd_geolsrc:S254,nd_creadat:S29,nd_majdate:S29,"
     "nd_majsrc:S254,nd_abddate:D,nd_abdsrc:S254"},
    {"t_cheminement", Geom::LineString,
     "cm_code:S254,cm_codeext:S254,cm_ndcode1:S254,cm_ndcode2:S254,cm_cm1:S254,cm_cm2:S254,"
     "cm_r1_code:S100,cm_r2_code:S100,cm_r3_code:S100,cm_r4_code:S100,cm_voie:S254,"
     "cm_gest_do:S20,cm_prop_do:S20,cm_statut:S3,cm_etat:S3,cm_datcons:D,cm_datemes:D,cm_avct:S1,"
     "cm_typelog:S2,cm_typ_imp:S2,cm_nature:S3,cm_compo:S254,cm_cddispo:I,cm_fo_util:I,"
     "cm_mod_pos:S20,cm_passage:S10,cm_revet:S254,cm_remblai:S254,cm_charge:R,cm_larg:R,"
     "cm_fildtec:S2,cm_mut_org:S20,cm_long:R,cm_lgreel:R,cm_comment:S254,cm_dtclass:S2,"
     "cm_geolqlt:R,cm_geolmod:S4,cm_geolsrc:S254,cm_creadat:S29,cm_majdate:S29,cm_majsrc:S254,"
     "cm_abddate:D,cm_abdsrc:S254"},
    {"t_cableline", Geom::LineString,
     "cl_code:S254,cl_cb_code:S254,cl_long:R,cl_comment:S254,cl_dtclass:S2,cl_geolqlt:R,"
     "cl_geolmod:S4,cl_geolsrc:S254,cl_creadat:S29,cl_majdate:S29,cl_majsrc:S254,cl_abddate:D,"
     "cl_abdsrc:S254"},
    {"t_cable", Geom::None,
     "cb_code:S254,cb_codeext:S254,cb_etiquet:S254,cb_nd1:S254,cb_nd2:S254,cb_r1_code:S100,"
     "cb_r2_code:S100,cb_r3_code:S100,cb_r4_code:S100,cb_prop:S20,cb_gest:S20,cb_user:S20,"
     "cb_proptyp:S3,cb_statut:S3,cb_etat:S3,cb_dateins:D,cb_datemes:D,cb_avct:S1,cb_tech:S3,"
     "cb_typephy:S1,cb_typelog:S2,cb_rf_code:S254,cb_capafo:I,cb_fo_disp:I,cb_fo_util:I,"
     "cb_modulo:I,cb_diam:R,cb_color:S254,cb_lgreel:R,cb_localis:S254,cb_comment:S254,"
     "cb_creadat:S29,cb_majdate:S29,cb_majsrc:S254,cb_abddate:D,cb_abdsrc:S254"},
    {"t_cab_cond", Geom::None,
     "cc_cb_code:S254,cc_cd_code:S254,cc_creadat:S29,cc_majdate:S29,cc_majsrc:S254,cc_abddate:D,"
     "cc_abdsrc:S254"},
    {"t_conduite", Geom::None,
     "cd_code:S254,cd_codeext:S254,cd_etiquet:S254,cd_cd_code:S254,cd_r1_code:S100,"
     "cd_r2_code:S100,cd_r3_code:S100,cd_r4_code:S100,cd_prop:S20,cd_gest:S20,cd_user:S20,"
     "cd_proptyp:S3,cd_statut:S3,cd_etat:S3,cd_dateaig:D,cd_dateman:D,cd_datemes:D,cd_avct:S1,"
     "cd_type:S10,cd_dia_int:I,cd_dia_ext:I,cd_color:S254,cd_long:R,cd_nbcable:I,cd_occup:R,"
     "cd_comment:S254,cd_creadat:S29,cd_majdate:S29,cd_majsrc:S254,cd_abddate:D,cd_abdsrc:S254"},
    {"t_cond_chem", Geom::None,
     "dm_cd_code:S254,dm_cm_code:S254,dm_creadat:S29,dm_majdate:S29,dm_majsrc:S254,dm_abddate:D,"
     "dm_abdsrc:S254"},
    {"t_sitetech", Geom::None,
     "st_code:S254,st_nd_code:S254,st_codeext:S254,st_nom:S254,st_prop:S20,st_gest:S20,"
     "st_user:S20,st_proptyp:S3,st_statut:S3,st_etat:S3,st_dateins:D,st_datemes:D,st_avct:S1,"
     "st_typephy:S3,st_typelog:S10,st_nblines:I,st_ad_code:S254,st_comment:S254,st_creadat:S29,"
     "st_majdate:S29,st_majsrc:S254,st_abddate:D,st_abdsrc:S254"},
    {"t_siteemission", Geom::None,
     "se_code:S254,se_nd_code:S254,se_anfr:S50,se_prop:S20,se_gest:S20,se_user:S20,se_proptyp:S3,"
     "se_statut:S3,se_etat:S3,se_occp:S10,se_dateins:D,se_datemes:D,se_type:S10,se_haut:R,"
     "se_ad_code:S254,se_comment:S254,se_creadat:S29,se_majdate:S29,se_majsrc:S254,se_abddate:D,"
     "se_abdsrc:S254"},
    {"t_organisme", Geom::None,
     "or_code:S20,or_siren:S9,or_nom:S254,or_type:S254,or_activ:S254,or_l331:S254,or_siret:S14,"
     "or_nometab:S254,or_ad_code:S254,or_nomvoie:S254,or_numero:I,or_rep:S20,or_local:S254,"
     "or_postal:S20,or_commune:S254,or_telfixe:S20,or_mail:S254,or_comment:S254,or_creadat:S29,"
     "or_majdate:S29,or_majsrc:S254,or_abddate:D,or_abdsrc:S254"},
};

// Tables dorsale reads (network check, fibre-level capacity) but does not export (t_fibre,
// t_position, t_ropt); field names
// from the v2.0.1 templates' CSV headers, types by the data model's conventions (ordinals
// INTEGER, codes VARCHAR(254)).
const Spec kReadSpecs[] = {
    {"t_fibre", Geom::None,
     "fo_code:S254,fo_code_ext:S254,fo_cb_code:S254,fo_nincab:I,fo_numtub:I,fo_nintub:I,fo_type:S10,fo_etat:S3,"
     "fo_color:S254,fo_reper:S254,fo_proptyp:S3,fo_comment:S254,fo_creadat:S29,fo_majdate:S29,fo_majsrc:S254,"
     "fo_abddate:D,fo_abdsrc:S254"},
    {"t_position", Geom::None,
     "ps_code:S254,ps_numero:I,ps_1:S254,ps_2:S254,ps_cs_code:S254,ps_ti_code:S254,ps_type:S10,ps_fonct:S2,ps_etat:S3,"
     "ps_preaff:S254,ps_comment:S254,ps_creadat:S29,ps_majdate:S29,ps_majsrc:S254,ps_abddate:D,ps_abdsrc:S254"},
    {"t_ropt", Geom::None,
     "rt_id:S254,rt_code:S254,rt_code_ext:S254,rt_fo_code:S254,rt_fo_ordr:I,rt_comment:S254,rt_creadat:S29,rt_majdate:S29,"
     "rt_majsrc:S254,rt_abddate:D,rt_abdsrc:S254"},
};

template <class Specs>
std::vector<Table> parse_specs(const Specs& specs) {
  std::vector<Table> out;
  for (const auto& s : specs) {
    Table t;
    t.name = s.name;
    t.geom = s.geom;
    std::string all = s.fields;
    std::size_t pos = 0;
    while (pos < all.size()) {
      std::size_t end = all.find(',', pos);
      if (end == std::string::npos) end = all.size();
      const std::string item = all.substr(pos, end - pos);
      const auto colon = item.find(':');
      Field f;
      f.name = item.substr(0, colon);
      f.type = item[colon + 1];
      if (f.type == 'S') f.width = std::stoi(item.substr(colon + 2));
      t.fields.push_back(f);
      pos = end + 1;
    }
    out.push_back(std::move(t));
  }
  return out;
}

}  // namespace

int Table::index(const std::string& field) const {
  for (std::size_t i = 0; i < fields.size(); ++i)
    if (fields[i].name == field) return int(i);
  return -1;
}

const std::vector<Table>& tables() {
  static const std::vector<Table> t = parse_specs(kSpecs);
  return t;
}

const std::vector<Table>& read_tables() {
  static const std::vector<Table> t = parse_specs(kReadSpecs);
  return t;
}

const Table& table(const std::string& name) {
  for (const auto& t : tables())
    if (t.name == name) return t;
  for (const auto& t : read_tables())
    if (t.name == name) return t;
  throw std::out_of_range("no GraceTHD table " + name);
}

const std::vector<std::string>& avancement_codes() {
  static const std::vector<std::string> c = {"E", "C", "T", "S", "H", "A"};
  return c;
}
const std::vector<std::string>& propriete_codes() {
  static const std::vector<std::string> c = {"CST", "RAC", "CES", "IRU", "LOC", "OCC"};
  return c;
}
const std::vector<std::string>& site_type_log_codes() {
  static const std::vector<std::string> c = {"NRA", "NRAHD", "NRAMED", "NRAZO", "SRP",    "SRS",   "SRT",
                                             "NRO", "SRO",   "SROL",   "BRASSAGE", "CLIENT", "HEBERG"};
  return c;
}
const std::vector<std::string>& implantation_codes() {
  static const std::vector<std::string> c = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};
  return c;
}
bool is_code(const std::vector<std::string>& list, const std::string& code) {
  return std::find(list.begin(), list.end(), code) != list.end();
}

std::string site_type_of(NodeKind k) {
  switch (k) {
    case NodeKind::Nro: return "NRO";
    case NodeKind::DorsalePop: return "HEBERG";
    case NodeKind::ExternalHub: return "BRASSAGE";
    case NodeKind::DataCentre: return "CLIENT";
    case NodeKind::HighPoint:
    case NodeKind::Junction: return "";
  }
  return "";
}

NodeKind kind_of_site_type(const std::string& code) {
  if (code == "NRO") return NodeKind::Nro;
  if (code == "HEBERG") return NodeKind::DorsalePop;
  if (code == "BRASSAGE") return NodeKind::ExternalHub;
  if (code == "CLIENT") return NodeKind::DataCentre;
  return NodeKind::Junction;
}

int site_type_rank(const std::string& code) {
  static const char* order[] = {"NRO", "HEBERG", "BRASSAGE", "CLIENT"};
  for (int i = 0; i < 4; ++i)
    if (code == order[i]) return 10 - i;
  return 0;
}

bool avancement_in_service(const std::string& c) { return c.empty() || c == "E" || c == "S"; }
bool avancement_planned(const std::string& c) { return c == "C" || c == "T"; }
bool propriete_leased(const std::string& c) { return c == "IRU" || c == "LOC" || c == "OCC"; }
bool implantation_aerial(const std::string& c) { return c == "0" || c == "1"; }

}  // namespace dorsale::gracethd
