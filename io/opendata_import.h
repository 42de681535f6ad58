#pragma once
// The steps of the open-data import (io/opendata.cpp runs them in order) and the state they
// share: the readers of the commune polygons and the mobile sites (io/opendata_geometry.cpp)
// and of the ARCEP and INSEE counts (io/opendata_counts.cpp). Internal to io/.
#include <ogrsf_frmts.h>

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "io/opendata.h"
#include "io/projection.h"

namespace dorsale::scenarios::opendata_import {

// The state of one import: the region being built and what the steps share.
struct Import {
  const OpenDataFiles& files;
  const Parameters& P;
  const Projection& proj;  // the thread's (Projection::for_this_thread)
  Region region;
  std::vector<std::unique_ptr<OGRGeometry>> geoms;  // WGS84 polygon of each 2018 commune
  std::unordered_map<std::string, int> by_code;      // 2018 code -> commune index
  std::vector<std::string> current_code;             // per 2018 commune, its current code
  std::unordered_map<std::string, std::string> current_name;
};

// The polygon or multipolygon g as rings (lon/lat), outer ring first.
std::vector<std::vector<Commune::Ring>> rings_of(const OGRGeometry* g);

// io/opendata_geometry.cpp
void read_commune_polygons(Import& I);
void read_mobile_sites(Import& I);

// io/opendata_counts.cpp
void read_arcep_communes(Import& I);
void read_arcep_ftth(Import& I);
void derive_bands(Import& I);
void read_populations(Import& I);

}  // namespace dorsale::scenarios::opendata_import
