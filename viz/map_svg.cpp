// map.svg: the region and its plan as one <svg> (Lambert-93, 1 unit = 1 km, north up). Each
// commune coloured by the year FttH arrives (viridis, colour-blind safe; "not planned" a light
// grey outside the ramp), the département outlines and names, the Dorsale, the hubs and the
// points of presence with their names, the high points, a legend, a scale bar and a north
// arrow. The viewBox is computed from every drawn extent, labels included, with a margin.
// The desk's base map (viz/desk_map.h) is the same drawing with the network's links in place
// of the communes' colours.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>

#include "io/map_geometry.h"
#include "viz/desk_map.h"
#include "viz/report.h"

namespace dorsale::viz {

namespace {

// viridis in 8 classes: before the plan, the plan's first six years, and later
constexpr const char* kRamp[8] = {"#440154", "#46327e", "#365c8d", "#277f8e", "#1fa187", "#4ac16d", "#a0da39", "#fde725"};
constexpr const char* kNotPlanned = "#d9d9d9";

std::string year_colour(int year, int first) {
  if (year == 0) return kNotPlanned;
  if (year < first) return kRamp[0];
  return kRamp[std::min(7, year - first + 1)];
}

struct Box {
  double x0 = 1e300, y0 = 1e300, x1 = -1e300, y1 = -1e300;
  void grow(double x, double y) {
    x0 = std::min(x0, x);
    y0 = std::min(y0, y);
    x1 = std::max(x1, x);
    y1 = std::max(y1, y);
  }
  // a text at (x, y) (baseline, start anchor) of `size` units
  void text(double x, double y, const std::string& s, double size, bool middle = false) {
    std::size_t chars = 0;
    for (unsigned char c : s) chars += (c & 0xC0) != 0x80;  // UTF-8 code points
    const double w = 0.62 * size * double(chars);
    const double left = middle ? x - w / 2 : x;
    grow(left, y - size);
    grow(left + w, y + 0.3 * size);
  }
  bool empty() const { return x0 > x1; }
};

// The rings of an outline's polygons as one SVG path.
std::string path_of(const io::PlaneOutline& o) {
  std::string d;
  for (const auto& poly : o.polygons)
    for (const auto& ring : poly) {
      for (std::size_t k = 0; k < ring.size(); ++k) d += fmt::format("{}{:.2f},{:.2f}", k ? "L" : "M", ring[k].first, ring[k].second);
      d += "Z";
    }
  return d;
}

// A round length of about a fifth of `span` km, for the scale bar.
double scale_length(double span) {
  for (double v : {500.0, 200.0, 100.0, 50.0, 25.0, 20.0, 10.0, 5.0, 2.0, 1.0})
    if (v <= span / 4) return v;
  return 1.0;
}

// The desk's links: a grey casing under each (so the lightest class shows on white), then the
// line the page colours (data-id), thick for the Dorsale, dashed when planned; an empty group
// for the page's routes above them.
std::string desk_links(const Region& R, Box& box) {
  std::string casings = "<g class=\"link-casings\">\n", lines = "<g class=\"links\">\n";
  for (const auto& l : R.network.links()) {
    const auto& a = R.network.node(l.a).pos;
    const auto& b = R.network.node(l.b).pos;
    const double x1 = a.x / 1000.0, y1 = -a.y / 1000.0, x2 = b.x / 1000.0, y2 = -b.y / 1000.0;
    box.grow(x1, y1);
    box.grow(x2, y2);
    const double w = l.dorsale ? 2.2 : 0.9;
    const std::string dash = l.status == LinkStatus::Planned ? " stroke-dasharray=\"3 2\"" : "";
    const std::string xy = fmt::format("x1=\"{:.2f}\" y1=\"{:.2f}\" x2=\"{:.2f}\" y2=\"{:.2f}\"", x1, y1, x2, y2);
    casings += fmt::format("<line class=\"link-casing\" {} stroke-width=\"{:.1f}\"{}/>\n", xy, w + 0.7, dash);
    lines += fmt::format("<line class=\"link{}\" data-id=\"{}\" {} stroke=\"{}\" stroke-width=\"{:.1f}\"{}><title>{}</title></line>\n", l.dorsale ? " dorsale-link" : "",
                         html_escape(l.id), xy, kNoPairsColour, w, dash, html_escape(l.id));
  }
  return casings + "</g>\n" + lines + "</g>\n<g class=\"routes\"></g>\n";
}

// The desk legend's marks (the département outline's first, kept): the Dorsale, a planned link,
// a point of presence, a hub, a request's route; mark k at yy + k * row like the report's.
void desk_marks(std::vector<std::pair<std::string, std::string>>& marks, double lx, double yy, double row) {
  marks.resize(1);
  auto line = [&](int k, const std::string& cls, const std::string& extra) {
    return fmt::format("<line class=\"{}\" x1=\"{:.2f}\" y1=\"{:.2f}\" x2=\"{:.2f}\" y2=\"{:.2f}\"{}/>", cls, lx, yy + k * row + 4, lx + 8, yy + k * row + 4, extra);
  };
  marks.emplace_back(line(1, "dorsale-mark", ""), "the Dorsale (thick)");
  marks.emplace_back(line(2, "planned-mark", ""), "planned link (dashed)");
  marks.emplace_back(fmt::format("<circle class=\"pop\" cx=\"{:.2f}\" cy=\"{:.2f}\" r=\"2\"/>", lx + 4, yy + 3 * row + 4), "point of presence");
  marks.emplace_back(fmt::format("<rect class=\"hub\" x=\"{:.2f}\" y=\"{:.2f}\" width=\"6\" height=\"6\"/>", lx + 1, yy + 4 * row + 1), "external hub");
  marks.emplace_back(line(5, "route-mark", fmt::format(" stroke=\"{}\" stroke-width=\"3\"", kRouteColour)), "the request's route");
}

// The report's map (`plan` given) or the desk's base map (`desk` given: every link, each node's
// position, the free-share legend; no communes' colours, no high points).
std::string draw_map(const Region& R, const ScenarioResults* plan, DeskMap* desk) {
  if (R.communes.empty() && R.network.nodes().empty()) return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 1 1\"></svg>";
  // everything in km of Lambert-93, y flipped (north up)
  auto X = [](double x) { return x / 1000.0; };
  auto Y = [](double y) { return -y / 1000.0; };
  const int first = !plan || plan->communes.years.empty() ? 2019 : plan->communes.years.front() + 1;
  const io::OutlineProjector to_l93;

  Box box;
  std::string communes = "<g class=\"communes\">\n";
  // per département: its communes' outlines (to union) or centroids (for a convex hull)
  std::map<std::string, std::vector<io::PlanePolygon>> dep_polys;
  std::map<std::string, std::vector<std::pair<double, double>>> dep_points;
  bool all_polygons = !R.communes.empty();
  for (std::size_t i = 0; i < R.communes.size(); ++i) {
    const auto& c = R.communes[i];
    const int fy = plan && plan->rollout.planned ? plan->rollout.ftth_year[i] : c.ftth_plan.year;
    const std::string fill = year_colour(fy, first);
    const std::string title = fmt::format("<title>{} {} – FttH {}</title>", html_escape(c.code), html_escape(c.name), fy == 0 ? std::string("not planned") : std::to_string(fy));
    dep_points[c.departement].emplace_back(X(c.centroid.x), Y(c.centroid.y));
    if (!c.polygons.empty()) {
      // outlines are WGS84: projected to Lambert-93 through OSR like everything else
      std::string d;
      auto& polys = dep_polys[c.departement];
      for (const auto& poly : to_l93.project(c)) {
        auto& op = polys.emplace_back();
        for (const auto& ring : poly) {
          auto& r = op.emplace_back();
          for (std::size_t k = 0; k < ring.size(); ++k) {
            const double x = X(ring[k].first), y = Y(ring[k].second);
            d += fmt::format("{}{:.2f},{:.2f}", k ? "L" : "M", x, y);
            box.grow(x, y);
            r.emplace_back(x, y);
          }
          d += "Z";
        }
      }
      if (plan) communes += fmt::format("<path class=\"commune\" d=\"{}\" fill=\"{}\">{}</path>\n", d, fill, title);
    } else {
      all_polygons = false;
      const double r = std::max(1.0, std::sqrt(double(c.premises())) / 15.0);
      box.grow(X(c.centroid.x) - r, Y(c.centroid.y) - r);
      box.grow(X(c.centroid.x) + r, Y(c.centroid.y) + r);
      if (plan)
        communes += fmt::format("<circle class=\"commune\" cx=\"{:.2f}\" cy=\"{:.2f}\" r=\"{:.2f}\" fill=\"{}\">{}</circle>\n", X(c.centroid.x), Y(c.centroid.y), r,
                                fill, title);
    }
  }
  communes += "</g>\n";

  // département outlines: the union of their communes' outlines (OGR/GEOS) when every commune
  // has one, else the convex hull of their communes' centres
  std::string deps = "<g class=\"departements\">\n", dep_names = "<g class=\"departement-names\">\n";
  std::vector<std::pair<const Departement*, io::PlaneOutline>> outlines;
  double area_sum = 0;
  for (const auto& d : R.departements) {
    std::optional<io::PlaneOutline> outline;
    if (all_polygons && dep_polys.count(d.code)) outline = io::union_outline(dep_polys.at(d.code));
    else if (dep_points.count(d.code)) outline = io::hull_outline(dep_points.at(d.code));
    if (!outline) continue;
    outlines.emplace_back(&d, std::move(*outline));
  }
  for (const auto& o : outlines) area_sum += o.second.area;
  const double mean_area = outlines.empty() ? 0 : area_sum / double(outlines.size());
  for (const auto& [dp, outline] : outlines) {
    const Departement& d = *dp;
    const std::string path = path_of(outline);
    if (path.empty()) continue;
    box.grow(outline.min_x, outline.min_y);
    box.grow(outline.max_x, outline.max_y);
    deps += fmt::format("<path class=\"dep-outline\" d=\"{}\"><title>{} {}</title></path>\n", path, html_escape(d.code), html_escape(d.name));
    if (outline.has_centroid) {
      const std::string label = d.name.empty() ? d.code : d.name;
      // a small département (a third of the mean area or less) is named below its outline
      const double ly = outline.area < mean_area / 3 ? outline.max_y + 10 : outline.centroid_y;
      dep_names += fmt::format("<text class=\"dep-name\" x=\"{:.2f}\" y=\"{:.2f}\" text-anchor=\"middle\">{}</text>\n", outline.centroid_x, ly, html_escape(label));
      box.text(outline.centroid_x, ly, label, 9, true);
    }
  }
  deps += "</g>\n";
  dep_names += "</g>\n";

  std::string net = "<g class=\"network\">\n";
  if (desk) net += desk_links(R, box);
  for (const auto& l : R.network.links()) {
    if (desk) break;
    if (!l.dorsale && l.owner.find("national") == std::string::npos) continue;
    const auto& a = R.network.node(l.a).pos;
    const auto& b = R.network.node(l.b).pos;
    box.grow(X(a.x), Y(a.y));
    box.grow(X(b.x), Y(b.y));
    net += fmt::format("<line class=\"{}\" x1=\"{:.2f}\" y1=\"{:.2f}\" x2=\"{:.2f}\" y2=\"{:.2f}\"><title>{}</title></line>\n", l.dorsale ? "dorsale" : "transit", X(a.x),
                       Y(a.y), X(b.x), Y(b.y), html_escape(l.id));
  }
  for (const auto& n : R.network.nodes()) {
    const double x = X(n.pos.x), y = Y(n.pos.y);
    if (desk) desk->nodes.push_back({n.id, x, y});
    if (n.kind == NodeKind::ExternalHub) {
      net += fmt::format("<rect class=\"hub\" x=\"{:.2f}\" y=\"{:.2f}\" width=\"6\" height=\"6\"><title>{}</title></rect>"
                         "<text class=\"label hub-label\" x=\"{:.2f}\" y=\"{:.2f}\">{}</text>\n",
                         x - 3, y - 3, html_escape(n.name), x + 5, y + 2, html_escape(n.name));
      box.grow(x - 3, y - 3);
      box.grow(x + 3, y + 3);
      box.text(x + 5, y + 2, n.name, 7);
    } else if (n.kind == NodeKind::DorsalePop) {
      net += fmt::format("<circle class=\"pop\" cx=\"{:.2f}\" cy=\"{:.2f}\" r=\"2\"><title>{}</title></circle>"
                         "<text class=\"label pop-label\" x=\"{:.2f}\" y=\"{:.2f}\">{}</text>\n",
                         x, y, html_escape(n.name), x + 3, y - 2.5, html_escape(n.name));
      box.grow(x - 2, y - 2);
      box.grow(x + 2, y + 2);
      box.text(x + 3, y - 2.5, n.name, 6);
    }
  }
  net += "</g>\n<g class=\"high-points\">\n";
  for (const auto& h : R.high_points)
    if (h.existing && !desk) {
      net += fmt::format("<circle class=\"hp\" cx=\"{:.2f}\" cy=\"{:.2f}\" r=\"0.5\"/>\n", X(h.pos.x), Y(h.pos.y));
      box.grow(X(h.pos.x), Y(h.pos.y));
    }
  net += "</g>\n";
  if (box.empty()) box.grow(0, 0);

  // legend to the right of the map, scale bar and north arrow below and above it
  const double span = box.x1 - box.x0;
  const double lx = box.x1 + 12, ly = box.y0 + 4, row = 11, fs = 8;
  const std::string legend_title = desk ? "Free share of a link" : "FttH arrives";
  std::string legend = fmt::format("<g class=\"legend\"><text class=\"legend-title\" x=\"{:.2f}\" y=\"{:.2f}\">{}</text>\n", lx, ly + fs, legend_title);
  box.text(lx, ly + fs, legend_title, fs);
  std::vector<std::pair<std::string, std::string>> classes;
  if (desk) {
    for (const auto& c : free_share_classes()) classes.emplace_back(c.colour, c.label);
    classes.emplace_back(kNoPairsColour, kNoPairsLabel);
  } else {
    classes.emplace_back(kRamp[0], fmt::format("before {}", first));
    for (int k = 1; k < 7; ++k) classes.emplace_back(kRamp[k], std::to_string(first + k - 1));
    classes.emplace_back(kRamp[7], fmt::format("{}+", first + 6));
    classes.emplace_back(kNotPlanned, "not planned");
  }
  double yy = ly + row + 2;
  for (const auto& [colour, label] : classes) {
    legend += fmt::format("<rect class=\"legend-swatch\" x=\"{:.2f}\" y=\"{:.2f}\" width=\"8\" height=\"8\" fill=\"{}\" stroke=\"#444\" stroke-width=\".3\"/>"
                          "<text x=\"{:.2f}\" y=\"{:.2f}\">{}</text>\n",
                          lx, yy, colour, lx + 11, yy + 7, html_escape(label));
    box.grow(lx, yy);
    box.text(lx + 11, yy + 7, label, fs);
    yy += row;
  }
  const std::string outline_note = all_polygons ? "département (union of its communes)" : "département (convex hull of its communes)";
  std::vector<std::pair<std::string, std::string>> marks = {
      {fmt::format("<path d=\"M{:.2f},{:.2f}h8v8h-8Z\" class=\"dep-outline\"/>", lx, yy), outline_note},
      {fmt::format("<line class=\"dorsale\" x1=\"{:.2f}\" y1=\"{:.2f}\" x2=\"{:.2f}\" y2=\"{:.2f}\"/>", lx, yy + row + 4, lx + 8, yy + row + 4), "the Dorsale"},
      {fmt::format("<line class=\"transit\" x1=\"{:.2f}\" y1=\"{:.2f}\" x2=\"{:.2f}\" y2=\"{:.2f}\"/>", lx, yy + 2 * row + 4, lx + 8, yy + 2 * row + 4), "transit to a hub"},
      {fmt::format("<circle class=\"pop\" cx=\"{:.2f}\" cy=\"{:.2f}\" r=\"2\"/>", lx + 4, yy + 3 * row + 4), "point of presence"},
      {fmt::format("<rect class=\"hub\" x=\"{:.2f}\" y=\"{:.2f}\" width=\"6\" height=\"6\"/>", lx + 1, yy + 4 * row + 1), "external hub"},
      {fmt::format("<circle class=\"hp\" cx=\"{:.2f}\" cy=\"{:.2f}\" r=\"1\"/>", lx + 4, yy + 5 * row + 4), "high point"},
  };
  if (desk) desk_marks(marks, lx, yy, row);
  for (const auto& [mark, label] : marks) {
    legend += mark + fmt::format("<text x=\"{:.2f}\" y=\"{:.2f}\">{}</text>\n", lx + 11, yy + 7, html_escape(label));
    box.text(lx + 11, yy + 7, label, fs);
    yy += row;
  }
  legend += "</g>\n";

  const double bar = scale_length(span);
  const double sx = box.x0, sy = box.y1 + 12;
  std::string scale = fmt::format("<g class=\"scale-bar\"><rect x=\"{:.2f}\" y=\"{:.2f}\" width=\"{:.2f}\" height=\"2\" fill=\"#222\"/>"
                                  "<rect x=\"{:.2f}\" y=\"{:.2f}\" width=\"{:.2f}\" height=\"2\" fill=\"#fff\" stroke=\"#222\" stroke-width=\".3\"/>"
                                  "<text x=\"{:.2f}\" y=\"{:.2f}\">0</text><text x=\"{:.2f}\" y=\"{:.2f}\" text-anchor=\"end\">{:.0f} km</text></g>\n",
                                  sx, sy, bar / 2, sx + bar / 2, sy, bar / 2, sx, sy + 10, sx + bar + 8, sy + 10, bar);
  box.grow(sx, sy);
  box.text(sx + bar - 10, sy + 10, fmt::format("{:.0f} km", bar), fs);
  const double nx = box.x1 - 8, ny = box.y0 - 24;
  std::string north = fmt::format("<g class=\"north-arrow\"><title>north (grid north of Lambert-93)</title><path d=\"M{0:.2f},{1:.2f}l5,14l-5,-4l-5,4Z\" fill=\"#222\"/>"
                                  "<text x=\"{0:.2f}\" y=\"{2:.2f}\" text-anchor=\"middle\">N</text></g>\n",
                                  nx, ny, ny - 2);
  box.grow(nx - 5, ny);
  box.text(nx, ny - 2, "N", fs, true);
  box.grow(nx + 5, ny + 14);

  const double margin = 5;
  std::string s = fmt::format("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"map\" viewBox=\"{:.2f} {:.2f} {:.2f} {:.2f}\" role=\"img\">\n", box.x0 - margin,
                              box.y0 - margin, box.x1 - box.x0 + 2 * margin, box.y1 - box.y0 + 2 * margin);
  s += "<style>.dep-outline{fill:none;stroke:#222;stroke-width:.7}.dep-name{font-size:9px;font-weight:bold;fill:#222;stroke:#fff;stroke-width:2px;"
       "paint-order:stroke}.pop-label{font-size:6px}.hub-label{font-size:7px}.label{fill:#111;stroke:#fff;stroke-width:1.5px;paint-order:stroke}"
       ".legend text,.scale-bar text,.north-arrow text{font-size:8px;fill:#222}.commune{stroke:#fff;stroke-width:.05}"
       ".dorsale{stroke:#08306b;stroke-width:1.2}.transit{stroke:#08306b;stroke-width:.8;stroke-dasharray:3 2}.hub{fill:#08306b}"
       ".pop{fill:#fff;stroke:#08306b;stroke-width:.6}.hp{fill:#555;opacity:.5}</style>\n";
  if (desk)
    s += "<style>.desk-map .link-casing{stroke:#666}.desk-map .route{stroke-linecap:round;opacity:.85}"
         ".desk-map .dorsale-mark{stroke:#666;stroke-width:3}.desk-map .planned-mark{stroke:#666;stroke-width:1.2;stroke-dasharray:3 2}</style>\n";
  s += communes + deps + net + dep_names + legend + scale + north + "</svg>\n";
  if (desk) s.replace(s.find("class=\"map\""), 11, "class=\"map desk-map\"");
  return s;
}

}  // namespace

const std::vector<ShareClass>& free_share_classes() {
  // viridis at 0, 1/4, 1/2, 3/4 and 1: the most separated classes of the report's ramp
  static const std::vector<ShareClass> k = {
      {"none free (saturated)", "#440154", 0.0}, {"up to 25 % free", "#3b528b", 0.25}, {"25–50 % free", "#21918c", 0.5},
      {"50–75 % free", "#5ec962", 0.75},         {"over 75 % free", "#fde725", 1.0}};
  return k;
}

std::size_t free_share_class(double share) {
  const auto& k = free_share_classes();
  const double s = std::clamp(share, 0.0, 1.0);
  for (std::size_t i = 0; i < k.size(); ++i)
    if (s <= k[i].to) return i;
  return k.size() - 1;
}

std::string map_svg(const Region& R, const ScenarioResults& res) { return draw_map(R, &res, nullptr); }

DeskMap desk_map(const Region& R) {
  DeskMap m;
  m.svg = draw_map(R, nullptr, &m);
  return m;
}

}  // namespace dorsale::viz
