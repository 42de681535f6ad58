#include "io/guichet_cache.h"

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <vector>

#include "io/output_dir.h"
#include "models/version.h"

namespace dorsale::io {

namespace fs = std::filesystem;

namespace {

constexpr char kMagic[] = "dorsale guichet base 1\n";

// "size mtime-ns" of a file; "missing" when it cannot be read.
std::string stamp(const fs::path& p) {
  struct stat st {};
  if (::stat(p.c_str(), &st) != 0) return "missing";
  return fmt::format("{} {}.{:09}", std::int64_t(st.st_size), std::int64_t(st.st_mtim.tv_sec), std::int64_t(st.st_mtim.tv_nsec));
}

// A file, or every file under a folder (sorted), with its stamp.
void stamp_tree(const std::string& what, const std::string& path, std::string& key) {
  if (path.empty()) return;
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    std::vector<std::string> lines;
    for (auto it = fs::recursive_directory_iterator(path, fs::directory_options::follow_directory_symlink, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
      if (it->is_regular_file(ec)) lines.push_back(fmt::format("  {} {}\n", it->path().string(), stamp(it->path())));
    if (ec) lines.push_back(fmt::format("  unreadable: {}\n", ec.message()));
    std::sort(lines.begin(), lines.end());
    key += fmt::format("{} {} (folder)\n", what, path);
    for (const auto& l : lines) key += l;
  } else {
    key += fmt::format("{} {} {}\n", what, path, stamp(path));
  }
}

// The shared libraries the dynamic loader mapped before main (not those dlopen'ed later, such
// as Open MPI's components under mpirun: the key is the same with and without it).
std::vector<std::string> mapped_libraries() {
  std::ifstream maps("/proc/self/maps");
  std::vector<std::string> libs;
  for (std::string line; std::getline(maps, line);) {
    const auto slash = line.find(" /");
    if (slash != std::string::npos && line.find(" r-xp ") != std::string::npos) libs.push_back(line.substr(slash + 1));
  }
  std::sort(libs.begin(), libs.end());
  libs.erase(std::unique(libs.begin(), libs.end()), libs.end());
  return libs;
}
const std::vector<std::string> startup_libraries = mapped_libraries();
std::vector<std::string> first_use_libraries;  // add_libraries_loaded_on_first_use

void put_u64(std::string& out, std::uint64_t v) { out.append(reinterpret_cast<const char*>(&v), sizeof v); }
void put_f64(std::string& out, double v) { out.append(reinterpret_cast<const char*>(&v), sizeof v); }
void put_str(std::string& out, const std::string& s) {
  put_u64(out, s.size());
  out += s;
}

struct In {
  const std::string& b;
  std::size_t at = 0;
  bool ok = true;
  bool take(void* to, std::size_t n) {
    if (!ok || b.size() - at < n) return ok = false;
    std::memcpy(to, b.data() + at, n);
    at += n;
    return true;
  }
  std::uint64_t u64() {
    std::uint64_t v = 0;
    take(&v, sizeof v);
    return v;
  }
  double f64() {
    double v = 0;
    take(&v, sizeof v);
    return v;
  }
  std::string str() {
    const std::uint64_t n = u64();
    if (!ok || b.size() - at < n) {
      ok = false;
      return {};
    }
    std::string s = b.substr(at, n);
    at += n;
    return s;
  }
};

std::uint64_t fnv1a64(const std::string& bytes) {
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

}  // namespace

void add_libraries_loaded_on_first_use(const std::vector<std::string>& files) {
  first_use_libraries.insert(first_use_libraries.end(), files.begin(), files.end());
}

std::string guichet_base_key(const scenarios::Scenario& s) {
  std::string key = fmt::format("dorsale {}\n", version());
  stamp_tree("binary", "/proc/self/exe", key);  // a rebuilt binary (same version) is another one
  {
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) stamp_tree("binary file", exe.string(), key);
  }
  // GDAL, PROJ, ... upgraded under the same binary, whether mapped at start or on first use
  std::vector<std::string> libraries = startup_libraries;
  libraries.insert(libraries.end(), first_use_libraries.begin(), first_use_libraries.end());
  std::sort(libraries.begin(), libraries.end());
  libraries.erase(std::unique(libraries.begin(), libraries.end()), libraries.end());
  for (const auto& l : libraries) stamp_tree("library", l, key);
  key += fmt::format("scenario {} file {} fnv1a64 {} seed {} years {}-{}\n", s.name, s.file, s.hash, s.seed, s.first_year, s.last_year);
  // the data the region and the network are read from (the scenario's text names them; their
  // bytes may change under the same names)
  const auto& r = s.region;
  stamp_tree("opendata_dir", r.opendata_dir, key);
  for (const auto& f : r.files.commune_polygons) stamp_tree("commune_polygons", f, key);
  for (const auto& [what, f] : {std::pair<const char*, const std::string*>{"arcep_communes", &r.files.arcep_communes},
                                {"arcep_ftth", &r.files.arcep_ftth},
                                {"insee_population", &r.files.insee_population},
                                {"insee_mergers", &r.files.insee_mergers},
                                {"mobile_sites", &r.files.mobile_sites},
                                {"insee_departements", &r.files.insee_departements}})
    stamp_tree(what, *f, key);
  stamp_tree("network_plan", r.network_plan.path, key);
  stamp_tree("network", s.network.path, key);
  return key;
}

std::string guichet_base_bytes(const solvers::GuichetBase& b) {
  std::string out;
  put_u64(out, b.deps.size());
  for (const auto& d : b.deps) put_str(out, d);
  put_u64(out, b.communes.size());
  for (const auto& c : b.communes) {
    put_u64(out, std::uint64_t(std::int64_t(c.dep)));
    put_u64(out, std::uint64_t(std::int64_t(c.ftth_year)));
    for (double v : {c.below3, c.from3to8, c.from8to30, c.thd_non_ftth, c.thd_radio, c.coverage_4g}) put_f64(out, v);
  }
  put_u64(out, fnv1a64(out));  // a damaged file is not a base
  return out;
}

std::optional<solvers::GuichetBase> guichet_base_from_bytes(const std::string& bytes) {
  if (bytes.size() < 8) return std::nullopt;
  std::uint64_t sum = 0;
  std::memcpy(&sum, bytes.data() + bytes.size() - 8, 8);
  const std::string body = bytes.substr(0, bytes.size() - 8);
  if (fnv1a64(body) != sum) return std::nullopt;
  In in{body};
  solvers::GuichetBase b;
  const std::uint64_t nd = in.u64();
  if (!in.ok || nd > body.size()) return std::nullopt;
  for (std::uint64_t i = 0; i < nd && in.ok; ++i) b.deps.push_back(in.str());
  const std::uint64_t nc = in.u64();
  if (!in.ok || nc > body.size() / 64) return std::nullopt;
  b.communes.resize(nc);
  for (auto& c : b.communes) {
    c.dep = int(std::int64_t(in.u64()));
    c.ftth_year = int(std::int64_t(in.u64()));
    for (double* v : {&c.below3, &c.from3to8, &c.from8to30, &c.thd_non_ftth, &c.thd_radio, &c.coverage_4g}) *v = in.f64();
    if (!in.ok || c.dep < 0 || std::size_t(c.dep) >= b.deps.size()) return std::nullopt;
  }
  if (!in.ok || in.at != body.size()) return std::nullopt;
  return b;
}

fs::path guichet_cache_file(const fs::path& out_root) { return out_root / ".dorsale" / "guichet-base.bin"; }

std::optional<solvers::GuichetBase> read_guichet_cache(const fs::path& out_root, const std::string& key) {
  std::ifstream f(guichet_cache_file(out_root), std::ios::binary);
  if (!f) return std::nullopt;
  const std::string bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  if (f.bad()) return std::nullopt;
  const std::size_t m = sizeof kMagic - 1;
  if (bytes.size() < m || bytes.compare(0, m, kMagic) != 0) return std::nullopt;
  In in{bytes, m};
  if (in.str() != key || !in.ok) return std::nullopt;  // another scenario, other data, another binary
  return guichet_base_from_bytes(bytes.substr(in.at));
}

void write_guichet_cache(const fs::path& out_root, const std::string& key, const solvers::GuichetBase& b) {
  std::string bytes = kMagic;
  put_str(bytes, key);
  bytes += guichet_base_bytes(b);
  const fs::path file = guichet_cache_file(out_root);
  const fs::path tmp = file.parent_path() / fmt::format(".guichet-base.bin.{}.tmp", ::getpid());
  try {
    viz::write_file(tmp, bytes);
    fs::rename(tmp, file);
  } catch (...) {
    std::error_code ec;
    fs::remove(tmp, ec);
    throw;
  }
}

}  // namespace dorsale::io
