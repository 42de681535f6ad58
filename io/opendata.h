#pragma once
// Import of a region from real open data (see README "Open data"): commune polygons in any
// format GDAL reads, the ARCEP FttH observatory (communes and FttH-per-commune CSVs), INSEE
// legal populations with the commune mergers since 2018, and the ARCEP mobile-sites file.
// Nothing here is specific to Bourgogne-Franche-Comté: the region is whatever communes the
// polygon files hold.
//
// Fields the files do not give are derived by documented rules (parameters `opendata.*`) or
// left missing (printed as null): see Region::provenance.
#include <string>
#include <vector>

#include "models/parameters.h"
#include "models/region.h"

namespace dorsale::scenarios {

struct OpenDataFiles {
  std::vector<std::string> commune_polygons;  // GDAL vector sources; features carry code + nom
  std::string arcep_communes;                 // ARCEP "communes" CSV (required)
  std::string arcep_ftth;                     // ARCEP "ftthCommunes" CSV (optional)
  std::string insee_population;               // INSEE donnees_communes CSV (optional)
  std::string insee_mergers;                  // INSEE mouvements-communes CSV (optional)
  std::string mobile_sites;                   // ARCEP sites mobiles CSV, Lambert-93 (optional)
  std::string insee_departements;             // INSEE COG départements CSV: DEP, CHEFLIEU, LIBELLE (optional)
};

// Finds the files of a directory laid out like ../shared/data:
//   france-geojson/communes-*.geojson, arcep-ftth-*/communes-*.csv,
//   arcep-ftth-*/ftthCommunes-*.csv, insee-population/donnees_communes*.csv,
//   insee-population/mouvements-communes*.csv, arcep-sites-mobiles-*/*.csv, and when present
//   insee-population/v_departement*.csv.
// Throws InputError naming the directory and the pattern that matched nothing.
OpenDataFiles locate_opendata(const std::string& dir);

// Reads and joins the files. Throws InputError (file, line or feature, field) on a missing
// file, a malformed row, an unknown commune code or a negative value.
Region import_opendata(const OpenDataFiles& files, const Parameters& params);

}  // namespace dorsale::scenarios
