#pragma once
// The progress of long work on stderr (models/progress.h): on a terminal a bar per counted
// stage with its percentage and the time left, redrawn in place (carriage return); otherwise
// one plain line per step and per counted stage when it ends (no control characters); nothing
// in quiet mode. The command line chooses the mode (isatty at the edge, --quiet).
#include <chrono>
#include <functional>
#include <mutex>
#include <ostream>
#include <string>

#include "models/progress.h"

namespace dorsale::viz {

class ProgressDisplay : public ProgressSink {
 public:
  enum class Mode { Bar, Lines, Quiet };
  // `clock` gives seconds (a steady clock unless a test gives its own).
  ProgressDisplay(std::ostream& out, Mode mode, std::function<double()> clock = {});

  void line(const std::string& text) override;
  void begin(const std::string& stage, std::int64_t total) override;
  void update(std::int64_t done) override;
  void end() override;

  // "12 s", "3 min 05 s", "1 h 02 min"
  static std::string duration_text(double seconds);

 private:
  void draw(std::int64_t done);
  std::ostream& out_;
  Mode mode_;
  std::function<double()> clock_;
  std::string stage_;
  std::int64_t total_ = 0, done_ = 0;
  double start_ = 0, last_draw_ = -1;
  int last_pct_ = -1;
  bool active_ = false;
  std::mutex m_;
};

}  // namespace dorsale::viz
