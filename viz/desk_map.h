#pragma once
// The desk's base map (GET /api/map, service/http_api.cpp): drawn by the same code as the
// report's map.svg (viz/map_svg.cpp): the département outlines (the union of their communes'
// outlines, or the convex hull of their centres) and names, the points of presence and hubs
// named, a scale bar, a north arrow and a legend, in Lambert-93 km with north up and a viewBox
// holding every drawn extent. Instead of the communes' FttH years it draws every link of the
// network (<line class="link" data-id="...">, grey until the page colours it by its free share
// with the classes below) and gives each node's position in the map's units, so the page
// overlays the live loads and a request's route without a second projection.
#include <string>
#include <vector>

#include "models/region.h"

namespace dorsale::viz {

// The free-share classes of the desk's map (free pairs / the cable's pairs, held and committed
// included), ordered: a share s is in the first class with s <= to. Viridis (colour-blind safe,
// distinct in lightness); a link with no pairs known is kNoPairsColour, outside the ramp.
struct ShareClass {
  std::string label, colour;
  double to;
};
const std::vector<ShareClass>& free_share_classes();
// The index in free_share_classes() of a share in [0, 1] (clamped).
std::size_t free_share_class(double share);
inline constexpr const char* kNoPairsColour = "#bdbdbd";
inline constexpr const char* kNoPairsLabel = "no pairs known";
inline constexpr const char* kRouteColour = "#d55e00";  // a request's route (Okabe-Ito vermillion)

struct DeskMap {
  std::string svg;  // one <svg class="map desk-map"> element
  struct Point {
    std::string id;
    double x, y;  // in the svg's user units
  };
  std::vector<Point> nodes;  // every node of the network, in its order
};

DeskMap desk_map(const Region& region);

}  // namespace dorsale::viz
