// The GraceTHD tables read row by row into the Importer (t_organisme, t_noeud, t_sitetech,
// t_siteemission, t_cable, t_fibre, t_cheminement and t_cab_cond, t_cableline), and the CSV
// scan that finds malformed lines before GDAL reads them.
#include "io/gracethd_import.h"

namespace dorsale::scenarios::gracethd_import {

// The records of a CSV file numbered as GDAL's CSV driver numbers its features (FID 1: the
// first record after the header; empty lines skipped; a quoted field may hold separators and
// line breaks), with the records GDAL would read silently wrong: more or fewer fields than the
// header, a line longer than kMaxLineBytes. (Bytes that are not UTF-8 are refused by
// TableIn::check_text in the fields read only: a latin-1 comment does not cost the row.) `lines` gets each record's first line.
std::unordered_map<long, RowReject> scan_csv(const std::string& file, std::vector<long>& lines) {
  std::unordered_map<long, RowReject> bad;
  std::ifstream in(file, std::ios::binary);
  if (!in) return bad;
  const std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::size_t n = data.size();
  const std::size_t eol = std::min(data.find('\n'), n);
  char sep = ';';
  {
    long best = 0;
    for (char c : {';', ',', '\t'}) {
      const long k = long(std::count(data.begin(), data.begin() + long(eol), c));
      if (k > best) best = k, sep = c;
    }
  }
  {
    // a column named twice: GDAL reads one of them, silently (cb_capafo;...;cb_capafo)
    std::string_view head(data.data(), eol);
    if (head.substr(0, 3) == "\xEF\xBB\xBF") head.remove_prefix(3);
    std::map<std::string, std::size_t> seen;
    std::size_t col = 0;
    for (std::size_t a = 0; a <= head.size(); ++col) {
      const std::size_t b = std::min(head.find(sep, a), head.size());
      std::string name = lower(trim(std::string(head.substr(a, b - a)).c_str()));
      if (name.size() >= 2 && name.front() == '"' && name.back() == '"') name = name.substr(1, name.size() - 2);
      if (!name.empty() && !seen.emplace(name, col).second)
        throw InputError(file, 1, name,
                         fmt::format("column '{}' appears twice in the header (columns {} and {}): which one to read is ambiguous", name,
                                     seen[name] + 1, col + 1));
      a = b + 1;
    }
  }
  long line = 1, record = -1, header_fields = 0;
  std::size_t i = 0;
  while (i < n) {
    const std::size_t start = i;
    const long first_line = line;
    std::size_t line_start = i, longest = 0;
    long fields = 1;
    bool quoted = false;
    while (i < n) {
      const char c = data[i];
      if (c == '"') {
        if (quoted && i + 1 < n && data[i + 1] == '"') {
          i += 2;
          continue;
        }
        quoted = !quoted;
      } else if (c == '\n') {
        if (!quoted) break;
        longest = std::max(longest, i - line_start);
        line_start = i + 1;
        ++line;
      } else if (c == sep && !quoted) {
        ++fields;
      }
      ++i;
    }
    longest = std::max(longest, i - line_start);
    std::string_view rec(data.data() + start, i - start);
    if (i < n) ++i;
    ++line;
    while (!rec.empty() && (rec.back() == '\r' || rec.back() == ' ')) rec.remove_suffix(1);
    if (rec.empty()) continue;
    if (record < 0) {
      header_fields = fields;
      record = 0;
      continue;
    }
    ++record;
    lines.push_back(first_line);
    if (longest > kMaxLineBytes)
      bad[record] = {"", "malformed_row", fmt::format("a line longer than {} bytes", kMaxLineBytes)};
    else if (fields != header_fields)
      bad[record] = {"", "malformed_row", fmt::format("{} fields where the header has {}", fields, header_fields)};
  }
  return bad;
}

void Importer::read_organisations() {
  TableIn T = d_.open("t_organisme", false);
  if (!T) return;
  have_orgs_ = true;
  const int code = T.field("or_code", true), name = T.field("or_nom", false);
  T.only({code, name}, false);
  each_row(T, [&](OGRFeature& f, long, std::string& c) {
    c = text(f, code);
    if (c.empty()) reject("or_code", "bad_value", "empty code");
    if (!org_.emplace(c, text(f, name)).second) reject("or_code", "duplicate_code", "duplicate or_code: the first row kept");
  });
}

void Importer::read_nodes() {
  TableIn T = d_.open("t_noeud", true);
  const int code = T.field("nd_code", true), name = T.field("nd_nom", false);
  T.only({code, name}, true);
  each_row(T, [&](OGRFeature& f, long, std::string& c) {
    NodeIn n;
    n.code = c = text(f, code);
    if (n.code.empty()) reject("nd_code", "bad_value", "empty code");
    if (node_ix_.count(n.code)) reject("nd_code", "duplicate_code", "duplicate nd_code: the first row kept");
    n.name = text(f, name);
    const auto g = T.geometry(f);
    if (!g || wkbFlatten(g->getGeometryType()) != wkbPoint) reject("geometry", "bad_value", "no point: a node needs its position");
    const auto* p = g->toPoint();
    if (!std::isfinite(p->getX()) || !std::isfinite(p->getY()) || std::fabs(p->getX()) > kMaxProjectedCoordinate ||
        std::fabs(p->getY()) > kMaxProjectedCoordinate)
      reject("geometry", "bad_value", "not a Lambert-93 position");
    n.pos.x = p->getX();
    n.pos.y = p->getY();
    node_ix_.emplace(n.code, int(nodes_.size()));
    nodes_.push_back(std::move(n));
  });
}

void Importer::read_sites() {
  TableIn T = d_.open("t_sitetech", false);
  if (!T) return;
  const int code = T.field("st_code", true), nd = T.field("st_nd_code", true), type = T.field("st_typelog", true);
  const int name = T.field("st_nom", false), prop = T.field("st_prop", false), avct = T.field("st_avct", false);
  T.only({code, nd, type, name, prop, avct}, false);
  std::unordered_map<std::string, int> seen;
  each_row(T, [&](OGRFeature& f, long row, std::string& c) {
    c = text(f, code);
    if (c.empty()) reject("st_code", "bad_value", "empty code");
    if (seen.count(c)) reject("st_code", "duplicate_code", "duplicate st_code: the first row kept");
    NodeIn& n = nodes_[node_of("st_nd_code", text(f, nd))];
    const std::string t = upper(text(f, type));
    if (!gracethd::is_code(gracethd::site_type_log_codes(), t))
      reject("st_typelog", "value_list", "not a code of l_site_type_log (NRO, SRO, HEBERG, CLIENT, ...)");
    const std::string av = upper(text(f, avct));
    check_avancement("st_avct", av);
    seen.emplace(c, 1);
    if (av == "H" || av == "A") {
      dropped_.add("t_sitetech", av == "H" ? "out of service (st_avct H): its node gets no site kind"
                                           : "abandoned (st_avct A): its node gets no site kind", c);
      return;
    }
    const int rank = gracethd::site_type_rank(t);
    if (rank > n.rank) {
      n.rank = rank;
      n.kind = gracethd::kind_of_site_type(t);
    }
    if (n.name.empty()) n.name = text(f, name);
    if (n.owner.empty()) n.owner = organisation("t_sitetech", text(f, prop), label(T, row, c));
  });
}

void Importer::read_emission_sites() {
  TableIn T = d_.open("t_siteemission", false);
  if (!T) return;
  const int code = T.field("se_code", true), nd = T.field("se_nd_code", true);
  const int anfr = T.field("se_anfr", false), haut = T.field("se_haut", false), prop = T.field("se_prop", false);
  T.only({code, nd, anfr, haut, prop}, false);
  std::unordered_map<std::string, int> seen;
  each_row(T, [&](OGRFeature& f, long row, std::string& c) {
    c = text(f, code);
    if (c.empty()) reject("se_code", "bad_value", "empty code");
    if (seen.count(c)) reject("se_code", "duplicate_code", "duplicate se_code: the first row kept");
    const int ni = node_of("se_nd_code", text(f, nd));
    HighPoint h;
    h.id = text(f, anfr).empty() ? c : text(f, anfr);
    try {
      h.height_m = number(text(f, haut), kMaxHeightM).value_or(0);
    } catch (const std::invalid_argument&) {
      reject("se_haut", "bad_value", "not a height in metres (decimal, at most 10,000)");
    }
    if (h.height_m < 0) reject("se_haut", "bad_value", "negative height");
    seen.emplace(c, 1);
    NodeIn& n = nodes_[ni];
    h.pos = n.pos;
    h.existing = true;
    if (n.rank < 1) {  // a site of the access network or none: the mast defines the node
      n.rank = 0;
      n.kind = NodeKind::HighPoint;
    }
    if (n.owner.empty()) n.owner = organisation("t_siteemission", text(f, prop), label(T, row, c));
    hp_node_.push_back(ni);
    out_.high_points.push_back(std::move(h));
  });
}

void Importer::read_cables() {
  TableIn T = d_.open("t_cable", true);
  const int code = T.field("cb_code", true), nd1 = T.field("cb_nd1", true), nd2 = T.field("cb_nd2", true);
  const int capa = T.field("cb_capafo", true), util = T.field("cb_fo_util", false), disp = T.field("cb_fo_disp", false);
  const int avct = T.field("cb_avct", false), proptyp = T.field("cb_proptyp", false), prop = T.field("cb_prop", false);
  const int tech = T.field("cb_tech", false), lgreel = T.field("cb_lgreel", false), r1 = T.field("cb_r1_code", false);
  const int typephy = T.field("cb_typephy", false);
  T.only({code, nd1, nd2, capa, util, disp, avct, proptyp, prop, tech, lgreel, r1, typephy}, false);
  each_row(T, [&](OGRFeature& f, long row, std::string& cc) {
    CableIn c;
    c.code = cc = text(f, code);
    if (c.code.empty()) reject("cb_code", "bad_value", "empty code");
    if (cable_ix_.count(c.code)) reject("cb_code", "duplicate_code", "duplicate cb_code: the first row kept");
    c.label = label(T, row, c.code);
    c.nd1 = text(f, nd1);
    c.nd2 = text(f, nd2);
    const std::string av = upper(text(f, avct)), pt = upper(text(f, proptyp));
    check_avancement("cb_avct", av);
    if (!pt.empty() && !gracethd::is_code(gracethd::propriete_codes(), pt))
      reject("cb_proptyp", "value_list", "not a code of l_propriete_type (CST, RAC, CES, IRU, LOC, OCC)");
    const std::string tp = upper(text(f, typephy));
    if (!tp.empty() && tp != "C" && tp != "B" && tp != "J") reject("cb_typephy", "value_list", "not a code of l_cable_type (C, B, J)");
    auto count = [&](int col, const char* field) -> std::optional<long> {
      std::optional<long> v;
      try {
        v = whole(text(f, col));
      } catch (const std::invalid_argument&) {
        reject(field, "bad_value", "not a number of fibres");
      }
      if (v && *v < 0) reject(field, "bad_value", "negative capacity");
      return v;
    };
    const auto fibres = count(capa, "cb_capafo"), used = count(util, "cb_fo_util"), free = count(disp, "cb_fo_disp");
    if (fibres && used && *used > *fibres) reject("cb_fo_util", "bad_value", "more fibres used than the cable has (cb_capafo)");
    if (fibres && free && *free > *fibres) reject("cb_fo_disp", "bad_value", "more free fibres than the cable has (cb_capafo)");
    try {
      c.lgreel_m = number(text(f, lgreel), kMaxLengthM).value_or(0);
    } catch (const std::invalid_argument&) {
      reject("cb_lgreel", "bad_value", "not a length in metres (decimal, at most 1,000,000)");
    }
    if (c.lgreel_m < 0) reject("cb_lgreel", "bad_value", "negative length");
    const std::string te = upper(text(f, tech));
    // rows left out: checked after the fields, so a bad value is reported even on them
    std::string why;
    if (av == "H") why = "out of service (cb_avct H)";
    else if (av == "A") why = "abandoned (cb_avct A)";
    else if (tp == "J") why = "a jumper (cb_typephy J): a patch cord inside a site, not a link";
    else if (!te.empty() && te != "OPT") why = fmt::format("not an optical cable (cb_tech {})", te);
    else if (!fibres) why = "no capacity (cb_capafo empty)";
    cable_ix_.emplace(c.code, int(cables_.size()));
    if (!why.empty()) {
      dropped_.add("t_cable", why, c.code);
      c.kept = false;
      cables_.push_back(std::move(c));
      return;
    }
    long free_fibres = *fibres - used.value_or(0);
    if (free) free_fibres = std::min(free_fibres, *free);
    if (!used && !free) ++usage_unknown_;
    c.pairs_total = int(*fibres / 2);
    c.pairs_free = int(std::min<long>(c.pairs_total, free_fibres / 2));
    c.status = gracethd::avancement_planned(av) ? LinkStatus::Planned
               : gracethd::propriete_leased(pt) ? LinkStatus::Leased
                                                : LinkStatus::Owned;
    c.owner = organisation("t_cable", text(f, prop), c.label);
    c.dorsale = upper(text(f, r1)) == gracethd::kDorsaleNetworkCode;
    cables_.push_back(std::move(c));
  });
}

// t_fibre (fo_cb_code -> t_cable) and t_position (ps_1, ps_2 -> t_fibre): dangling references
// and duplicate codes are refused rows.
// t_ropt (rt_fo_code -> t_fibre): the fibres an optical route uses.
void Importer::read_fibres() {
  std::unordered_map<std::string, int> fibre_ix;  // fo_code -> index in fibres_
  if (TableIn T = d_.open("t_fibre", false)) {
    have_fibres_ = true;
    const int code = T.field("fo_code", true), cb = T.field("fo_cb_code", true), etat = T.field("fo_etat", false);
    T.only({code, cb, etat}, false);
    each_row(T, [&](OGRFeature& f, long, std::string& c) {
      c = text(f, code);
      if (c.empty()) reject("fo_code", "bad_value", "empty code");
      if (fibre_ix.count(c)) reject("fo_code", "duplicate_code", "duplicate fo_code: the first row kept");
      FibreIn fo;
      fo.code = c;
      fo.cable = cable_of("fo_cb_code", text(f, cb));
      const std::string e = upper(text(f, etat));
      if (!e.empty() && e != "HS" && e != "ME" && e != "OK" && e != "NC") reject("fo_etat", "value_list", "not a code of l_etat_type (HS, ME, OK, NC)");
      fo.broken = e == "HS";
      fibre_ix.emplace(c, int(fibres_.size()));
      fibres_.push_back(fo);
    });
  }
  if (TableIn T = d_.open("t_ropt", false)) {
    const int code = T.field("rt_code", true), fo = T.field("rt_fo_code", true);
    T.only({code, fo}, false);
    each_row(T, [&](OGRFeature& f, long, std::string& c) {
      c = text(f, code);
      const auto it = fibre_ix.find(text(f, fo));
      if (it == fibre_ix.end()) reject("rt_fo_code", "dangling_reference", "names a fibre no t_fibre row has (fo_code)");
      fibres_[it->second].routed = true;
    });
  }
  TableIn T = d_.open("t_position", false);
  if (!T) return;
  have_positions_ = true;
  const int code = T.field("ps_code", true), p1 = T.field("ps_1", false), p2 = T.field("ps_2", false);
  const int fonct = T.field("ps_fonct", false), etat = T.field("ps_etat", false);
  T.only({code, p1, p2, fonct, etat}, false);
  std::unordered_map<std::string, int> seen;
  each_row(T, [&](OGRFeature& f, long, std::string& c) {
    c = text(f, code);
    if (c.empty()) reject("ps_code", "bad_value", "empty code");
    if (seen.count(c)) reject("ps_code", "duplicate_code", "duplicate ps_code: the first row kept");
    int fo[2] = {-1, -1};
    for (auto [col, field, k] : {std::tuple{p1, "ps_1", 0}, std::tuple{p2, "ps_2", 1}}) {
      const std::string code_fo = text(f, col);
      const auto it = fibre_ix.find(code_fo);
      if (!code_fo.empty() && it == fibre_ix.end()) reject(field, "dangling_reference", "names a fibre no t_fibre row has (fo_code)");
      if (it != fibre_ix.end()) fo[k] = it->second;
    }
    const std::string fn = upper(text(f, fonct)), et = upper(text(f, etat));
    if (!fn.empty() && fn != "CO" && fn != "EP" && fn != "PI" && fn != "AT" && fn != "PA")
      reject("ps_fonct", "value_list", "not a code of l_position_fonction (CO, EP, PI, AT, PA)");
    if (!et.empty() && et != "HS" && et != "ME" && et != "OK" && et != "NC") reject("ps_etat", "value_list", "not a code of l_etat_type (HS, ME, OK, NC)");
    seen.emplace(c, 1);
    // a position joining a fibre of one cable to a fibre of another: a splice (EP), a
    // connector (CO) or a passage (PA); a fibre waiting (AT) or a pigtail (PI) joins nothing
    if (fo[0] >= 0 && fo[1] >= 0 && fibres_[fo[0]].cable != fibres_[fo[1]].cable)
      splices_.push_back({fo[0], fo[1], fn != "AT" && fn != "PI", et == "HS"});
  });
}

// t_cab_cond -> t_conduite (and its parent ducts) -> t_cond_chem -> t_cheminement.
void Importer::read_cheminements() {
  std::unordered_map<std::string, int> cm_ix;
  const double gap = P_.gracethd.length_gap_share;
  if (TableIn T = d_.open("t_cheminement", false)) {
    const int code = T.field("cm_code", true), lg = T.field("cm_long", false), reel = T.field("cm_lgreel", false);
    const int imp = T.field("cm_typ_imp", false), avct = T.field("cm_avct", false), voie = T.field("cm_voie", false);
    const int n1 = T.field("cm_ndcode1", false), n2 = T.field("cm_ndcode2", false);
    T.only({code, lg, reel, imp, avct, voie, n1, n2}, true);
    each_row(T, [&](OGRFeature& f, long row, std::string& c) {
      CheminementIn cm;
      cm.code = c = text(f, code);
      if (cm.code.empty()) reject("cm_code", "bad_value", "empty code");
      if (cm_ix.count(cm.code)) reject("cm_code", "duplicate_code", "duplicate cm_code: the first row kept");
      double m = 0;
      for (auto [col, field] : {std::pair{reel, "cm_lgreel"}, std::pair{lg, "cm_long"}}) {
        double v = 0;
        try {
          v = number(text(f, col), kMaxLengthM).value_or(0);
        } catch (const std::invalid_argument&) {
          reject(field, "bad_value", "not a length in metres (decimal, at most 1,000,000)");
        }
        if (v < 0) reject(field, "bad_value", "negative length");
        if (m <= 0) m = v;
      }
      const double drawn = line_length_m(T.geometry(f).get());
      if (m > 0 && drawn > 0 && std::fabs(m - drawn) > gap * std::max(m, drawn))
        warnings_.add("t_cheminement", fmt::format("declared length (cm_lgreel or cm_long) and geometry differ by more than {:g} % (gracethd.length_gap_share)", gap * 100),
                      label(T, row, cm.code), "length_gap");
      if (m <= 0) m = drawn;
      cm.length_m = m;
      const std::string ti = text(f, imp);
      if (!ti.empty() && !gracethd::is_code(gracethd::implantation_codes(), ti))
        reject("cm_typ_imp", "value_list", "not a code of l_implantation_type (0 to 9)");
      cm.aerial = gracethd::implantation_aerial(ti);
      const std::string av = upper(text(f, avct));
      check_avancement("cm_avct", av);
      cm.exists = !gracethd::avancement_planned(av);
      cm.voie = text(f, voie);
      cm.nd1 = text(f, n1);
      cm.nd2 = text(f, n2);
      cm_ix.emplace(cm.code, int(chem_.size()));
      chem_.push_back(std::move(cm));
    });
  }
  std::unordered_map<std::string, std::string> parent;  // cd_code -> cd_cd_code
  bool have_ducts = false;
  if (TableIn T = d_.open("t_conduite", false)) {
    have_ducts = true;
    const int cd = T.field("cd_code", true), up = T.field("cd_cd_code", false);
    T.only({cd, up}, false);
    each_row(T, [&](OGRFeature& f, long, std::string& c) {
      c = text(f, cd);
      if (c.empty()) reject("cd_code", "bad_value", "empty code");
      if (!parent.emplace(c, text(f, up)).second) reject("cd_code", "duplicate_code", "duplicate cd_code: the first row kept");
    });
  }
  std::unordered_map<std::string, std::vector<int>> in_duct;  // cd_code -> cheminements
  if (TableIn T = d_.open("t_cond_chem", false)) {
    const int cd = T.field("dm_cd_code", true), cm = T.field("dm_cm_code", true);
    T.only({cd, cm}, false);
    each_row(T, [&](OGRFeature& f, long, std::string& code) {
      const std::string d = code = text(f, cd), c = text(f, cm);
      const auto it = cm_ix.find(c);
      if (it == cm_ix.end()) reject("dm_cm_code", "dangling_reference", "names a cheminement no t_cheminement row has (cm_code)");
      if (have_ducts && !parent.count(d)) reject("dm_cd_code", "dangling_reference", "names a conduite no t_conduite row has (cd_code)");
      in_duct[d].push_back(it->second);
    });
  }
  TableIn T = d_.open("t_cab_cond", false);
  if (!T) return;
  const int cb = T.field("cc_cb_code", true), cd = T.field("cc_cd_code", true);
  T.only({cb, cd}, false);
  each_row(T, [&](OGRFeature& f, long, std::string& code) {
    const std::string b = code = text(f, cb);
    std::string d = text(f, cd);
    const int ci = cable_of("cc_cb_code", b);
    if (have_ducts && !parent.count(d)) reject("cc_cd_code", "dangling_reference", "names a conduite no t_conduite row has (cd_code)");
    auto& list = cables_[ci].cheminements;
    // a sub-duct without cheminements of its own runs in its parent duct's
    for (int depth = 0; depth < 8 && !d.empty(); ++depth) {
      const auto dc = in_duct.find(d);
      if (dc != in_duct.end()) {
        for (int c : dc->second)
          if (std::find(list.begin(), list.end(), c) == list.end()) list.push_back(c);
        break;
      }
      const auto p = parent.find(d);
      d = p == parent.end() ? "" : p->second;
    }
  });
}

void Importer::read_cablelines() {
  TableIn T = d_.open("t_cableline", false);
  if (!T) return;
  const int code = T.field("cl_code", true), cb = T.field("cl_cb_code", true), lg = T.field("cl_long", false);
  T.only({code, cb, lg}, true);
  each_row(T, [&](OGRFeature& f, long, std::string& c) {
    c = text(f, code);
    const std::string b = text(f, cb);
    const int ci = cable_of("cl_cb_code", b);
    double m = 0;
    try {
      m = number(text(f, lg), kMaxLengthM).value_or(0);
    } catch (const std::invalid_argument&) {
      reject("cl_long", "bad_value", "not a length in metres (decimal, at most 1,000,000)");
    }
    if (m < 0) reject("cl_long", "bad_value", "negative length");
    const auto g = T.geometry(f);
    const double drawn = line_length_m(g.get());
    if (m <= 0) m = drawn;
    auto& cable = cables_[ci];
    cable.cableline_m += m;
    cable.geometry_m += drawn;
    Position a, b2;
    if (line_ends(g.get(), a, b2) && cable.line_ends.size() < 2000) {
      cable.line_ends.push_back(a);
      cable.line_ends.push_back(b2);
    }
  });
}

}  // namespace dorsale::scenarios::gracethd_import
