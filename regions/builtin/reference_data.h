#pragma once
// Real reference data of Bourgogne-Franche-Comté used by the built-in region generator:
// the 8 départements and their main towns (internal to regions/builtin/).

namespace dorsale::scenarios::builtin {

struct DepTemplate {
  const char* code;
  const char* name;
  const char* rip;
  double area_km2;              // IGN
  double centre_lon, centre_lat;  // approximate geographic centre
  int communes_2018;            // ARCEP 2018 T1 file
  double premises_2018;         // ARCEP 2018 T1: dwellings + business sites
  double population;            // INSEE, order of magnitude 2016
  bool amel;                    // assumption: départements with AMEL calls in phase 2
  bool jura;                    // phase 2 model unknown (SCORAN)
  bool thd_radio;               // RCube footprint (SCORAN: Yonne, Côte-d'Or, Saône-et-Loire)
};

inline constexpr DepTemplate kDeps[] = {
    {"21", "Côte-d'Or", "Côte-d'Or THD", 8763, 4.77, 47.42, 704, 295966, 533000, true, false, true},
    {"25", "Doubs", "Doubs THD", 5234, 6.36, 47.15, 576, 286894, 539000, false, false, false},
    {"39", "Jura", "Jura Numérique", 4999, 5.70, 46.73, 506, 154257, 260000, false, true, false},
    {"58", "Nièvre", "Nièvre Numérique", 6817, 3.50, 47.12, 309, 147350, 205000, true, false, false},
    {"70", "Haute-Saône", "Haute-Saône Numérique", 5360, 6.09, 47.64, 542, 130790, 236000, false, false, false},
    {"71", "Saône-et-Loire", "Saône-et-Loire THD", 8575, 4.54, 46.64, 567, 321646, 553000, true, false, true},
    {"89", "Yonne", "Yonne THD", 7427, 3.56, 47.84, 428, 203109, 338000, true, false, true},
    {"90", "Territoire de Belfort", "Territoire de Belfort THD", 609, 6.93, 47.63, 102, 73980, 142000, false, false, false},
};

struct TownTemplate {
  const char* code;  // INSEE
  const char* name;
  double lon, lat;   // approximate town centre
  double population;
  const char* pop_id;  // Dorsale point of presence hosted by the town, or nullptr
};

inline constexpr TownTemplate kTowns[] = {
    {"21231", "Dijon", 5.0415, 47.3220, 156000, "pop:dijon"},
    {"21054", "Beaune", 4.8400, 47.0260, 21000, "pop:beaune"},
    {"21166", "Chenôve", 5.0047, 47.2918, 14000, nullptr},
    {"21617", "Talant", 5.0050, 47.3370, 11500, nullptr},
    {"21515", "Quetigny", 5.1060, 47.3140, 9600, nullptr},
    {"21425", "Montbard", 4.3375, 47.6238, 5300, nullptr},
    {"21038", "Auxonne", 5.3878, 47.1939, 7800, nullptr},
    {"21154", "Châtillon-sur-Seine", 4.5747, 47.8586, 5400, nullptr},
    {"21464", "Nuits-Saint-Georges", 4.9500, 47.1370, 5500, nullptr},
    {"25056", "Besançon", 6.0241, 47.2378, 116000, "pop:besancon"},
    {"25388", "Montbéliard", 6.7983, 47.5100, 25500, "pop:montbeliard"},
    {"25462", "Pontarlier", 6.3547, 46.9035, 17500, "pop:pontarlier"},
    {"25031", "Audincourt", 6.8400, 47.4830, 14000, nullptr},
    {"25580", "Valentigney", 6.8320, 47.4620, 11500, nullptr},
    {"25411", "Morteau", 6.6050, 47.0575, 7000, nullptr},
    {"25047", "Baume-les-Dames", 6.3610, 47.3520, 5200, nullptr},
    {"39198", "Dole", 5.4897, 47.0925, 23500, "pop:dole"},
    {"39300", "Lons-le-Saunier", 5.5547, 46.6744, 17000, "pop:lons-le-saunier"},
    {"39478", "Saint-Claude", 5.8636, 46.3872, 9500, nullptr},
    {"39097", "Champagnole", 5.9075, 46.7475, 7800, nullptr},
    {"39367", "Morez", 6.0250, 46.5230, 5000, nullptr},
    {"58194", "Nevers", 3.1590, 46.9910, 33000, "pop:nevers"},
    {"58086", "Cosne-Cours-sur-Loire", 2.9270, 47.4110, 10000, nullptr},
    {"58095", "Decize", 3.4620, 46.8280, 5600, nullptr},
    {"58079", "Clamecy", 3.5200, 47.4600, 4000, nullptr},
    {"70550", "Vesoul", 6.1550, 47.6220, 15000, "pop:vesoul"},
    {"70285", "Héricourt", 6.7617, 47.5775, 10500, nullptr},
    {"70310", "Lure", 6.4960, 47.6830, 8300, nullptr},
    {"70311", "Luxeuil-les-Bains", 6.3800, 47.8170, 7000, nullptr},
    {"70279", "Gray", 5.5910, 47.4450, 5600, nullptr},
    {"71076", "Chalon-sur-Saône", 4.8530, 46.7800, 45000, "pop:chalon-sur-saone"},
    {"71270", "Mâcon", 4.8320, 46.3070, 34000, "pop:macon"},
    {"71153", "Le Creusot", 4.4240, 46.8010, 22000, "pop:le-creusot"},
    {"71306", "Montceau-les-Mines", 4.3650, 46.6680, 18000, nullptr},
    {"71014", "Autun", 4.2990, 46.9510, 14000, "pop:autun"},
    {"71342", "Paray-le-Monial", 4.1200, 46.4510, 9000, nullptr},
    {"71176", "Digoin", 3.9800, 46.4810, 7800, nullptr},
    {"71263", "Louhans", 5.2240, 46.6270, 6400, nullptr},
    {"89024", "Auxerre", 3.5710, 47.7990, 35000, "pop:auxerre"},
    {"89387", "Sens", 3.2830, 48.1970, 27000, "pop:sens"},
    {"89206", "Joigny", 3.3970, 47.9820, 10000, nullptr},
    {"89025", "Avallon", 3.9080, 47.4900, 6900, "pop:avallon"},
    {"89257", "Migennes", 3.5180, 47.9650, 7100, nullptr},
    {"89418", "Tonnerre", 3.9740, 47.8560, 4800, nullptr},
    {"90010", "Belfort", 6.8630, 47.6380, 47000, "pop:belfort"},
    {"90033", "Delle", 6.9990, 47.5080, 5600, nullptr},
    {"90009", "Beaucourt", 6.9240, 47.4880, 5000, nullptr},
    {"90099", "Valdoie", 6.8430, 47.6690, 5300, nullptr},
};

// The external hubs, at their real positions.
struct HubTemplate {
  const char* id;
  const char* name;
  double lon, lat;
};
inline constexpr HubTemplate kHubs[] = {{"hub:paris", "Paris", 2.3522, 48.8566},
                             {"hub:lyon", "Lyon", 4.8357, 45.7640},
                             {"hub:strasbourg", "Strasbourg", 7.7521, 48.5734}};

// Corridors of the Dorsale (motorway and road ducts, mostly leased) and the transit links
// to the external hubs (leased from national carriers; not counted in the Dorsale's km).
struct Corridor {
  const char* a;
  const char* b;
  const char* corridor;
  const char* duct;  // shared-risk group: links in the same duct fail together
  bool owned;
  bool transit;
};
inline constexpr Corridor kCorridors[] = {
    {"pop:sens", "pop:auxerre", "A6", "duct:A6:sens-auxerre", false, false},
    {"pop:auxerre", "pop:avallon", "A6", "duct:A6:auxerre-avallon", false, false},
    {"pop:avallon", "pop:beaune", "A6", "duct:A6:avallon-beaune", false, false},
    {"pop:beaune", "pop:chalon-sur-saone", "A6", "duct:A6:beaune-chalon", false, false},
    {"pop:chalon-sur-saone", "pop:macon", "A6", "duct:A6:chalon-macon", false, false},
    {"pop:beaune", "pop:dijon", "A31", "duct:A31:beaune-dijon", false, false},
    {"pop:dijon", "pop:dole", "A39", "duct:A39:dijon-dole", false, false},
    {"pop:dole", "pop:besancon", "A36", "duct:A36:dole-besancon", false, false},
    {"pop:besancon", "pop:montbeliard", "A36", "duct:A36:besancon-montbeliard", false, false},
    {"pop:montbeliard", "pop:belfort", "A36", "duct:A36:montbeliard-belfort", false, false},
    {"pop:dole", "pop:lons-le-saunier", "A39", "duct:A39:dole-lons", false, false},
    {"pop:lons-le-saunier", "pop:macon", "A39/A40", "duct:A39:lons-macon", false, false},
    {"pop:besancon", "pop:vesoul", "N57", "duct:N57:besancon-vesoul", true, false},
    {"pop:vesoul", "pop:belfort", "N19", "duct:N19:vesoul-belfort", true, false},
    {"pop:dijon", "pop:vesoul", "D70", "duct:D70:dijon-vesoul", true, false},
    {"pop:auxerre", "pop:nevers", "N151", "duct:N151:auxerre-nevers", false, false},
    {"pop:nevers", "pop:autun", "N81", "duct:N81:nevers-autun", true, false},
    {"pop:autun", "pop:le-creusot", "RCEA", "duct:RCEA:autun-le-creusot", true, false},
    {"pop:le-creusot", "pop:chalon-sur-saone", "RCEA", "duct:RCEA:le-creusot-chalon", false, false},
    {"pop:besancon", "pop:pontarlier", "N57", "duct:N57:besancon-pontarlier", false, false},
    {"hub:paris", "pop:sens", "A5/A19", "duct:A5:paris-sens", false, true},
    {"hub:paris", "pop:auxerre", "A6", "duct:A6:paris-auxerre", false, true},
    {"pop:macon", "hub:lyon", "A6", "duct:A6:macon-lyon", false, true},
    {"pop:lons-le-saunier", "hub:lyon", "A39/A42", "duct:A42:lons-lyon", false, true},
    // Both Strasbourg links run in the A35 duct north of Mulhouse: link-disjoint, not
    // risk-disjoint.
    {"pop:belfort", "hub:strasbourg", "A36/A35", "duct:A35:mulhouse-strasbourg", false, true},
    {"pop:montbeliard", "hub:strasbourg", "A36/A35", "duct:A35:mulhouse-strasbourg", false, true},
};

// The calibration the templates describe: absolute targets scale by premises / kDefaultPremises,
// and the départements are tiled once per kTemplateCommunes communes.
inline constexpr double kDefaultPremises = 1700000.0;
inline constexpr int kTemplateCommunes = 3734;

}  // namespace dorsale::scenarios::builtin
