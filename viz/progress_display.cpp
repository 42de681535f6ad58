#include "viz/progress_display.h"

#include <fmt/format.h>

#include <cmath>

namespace dorsale::viz {

namespace {
constexpr int kBarWidth = 30;
constexpr double kRedrawSeconds = 0.1;  // a bar is redrawn at most this often (and at each new percent)
}  // namespace

ProgressDisplay::ProgressDisplay(std::ostream& out, Mode mode, std::function<double()> clock)
    : out_(out), mode_(mode), clock_(std::move(clock)) {
  if (!clock_) {
    const auto t0 = std::chrono::steady_clock::now();
    clock_ = [t0] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); };
  }
}

std::string ProgressDisplay::duration_text(double s) {
  if (!(s >= 0)) s = 0;
  const long t = std::lround(s);
  if (t < 60) return fmt::format("{} s", t);
  if (t < 3600) return fmt::format("{} min {:02} s", t / 60, t % 60);
  return fmt::format("{} h {:02} min", t / 3600, (t % 3600) / 60);
}

void ProgressDisplay::line(const std::string& text) {
  std::lock_guard<std::mutex> lock(m_);
  if (mode_ == Mode::Quiet) return;
  if (mode_ == Mode::Bar && active_) out_ << "\r\x1b[K";
  out_ << "  .. " << text << "\n";
  if (mode_ == Mode::Bar && active_) draw(done_);
  out_.flush();
}

void ProgressDisplay::begin(const std::string& stage, std::int64_t total) {
  std::lock_guard<std::mutex> lock(m_);
  stage_ = stage;
  total_ = total;
  done_ = 0;
  start_ = clock_();
  last_draw_ = -1;
  last_pct_ = -1;
  active_ = true;
  if (mode_ == Mode::Bar) draw(0);
}

void ProgressDisplay::update(std::int64_t done) {
  std::lock_guard<std::mutex> lock(m_);
  done_ = done;
  if (mode_ != Mode::Bar) return;
  const int pct = total_ > 0 ? int(100 * done / total_) : 100;
  if (pct != last_pct_ || clock_() - last_draw_ >= kRedrawSeconds) draw(done);
}

void ProgressDisplay::draw(std::int64_t done) {
  const double now = clock_(), elapsed = now - start_;
  const int pct = total_ > 0 ? int(100 * done / total_) : 100;
  const int filled = total_ > 0 ? int(kBarWidth * done / total_) : kBarWidth;
  std::string left;
  if (done >= total_) left = "done in " + duration_text(elapsed);
  else if (done > 0 && elapsed > 0) left = duration_text(elapsed * double(total_ - done) / double(done)) + " left";
  else left = "time left unknown";
  out_ << fmt::format("\r  {} [{}{}] {:3d} %  {}\x1b[K", stage_, std::string(std::size_t(filled), '#'),
                      std::string(std::size_t(kBarWidth - filled), '.'), pct, left);
  out_.flush();
  last_draw_ = now;
  last_pct_ = pct;
}

void ProgressDisplay::end() {
  std::lock_guard<std::mutex> lock(m_);
  if (!active_) return;
  active_ = false;
  const double elapsed = clock_() - start_;
  if (mode_ == Mode::Bar) {
    draw(total_);
    out_ << "\n";
  } else if (mode_ == Mode::Lines) {
    out_ << fmt::format("  .. {}: {} done in {}\n", stage_, total_, duration_text(elapsed));
  }
  out_.flush();
}

}  // namespace dorsale::viz
