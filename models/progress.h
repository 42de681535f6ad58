#pragma once
// Progress of long work, as the solvers report it: a stage with a known amount of work (draws,
// sweep sets), counted from any thread. No I/O here: a ProgressSink (viz/progress_display.h)
// shows it, and the command line chooses the sink (a bar on a terminal, one line per stage
// otherwise, none with --quiet). A solver takes a `const ProgressCounter*` (null: not counted)
// and calls add(); it keeps no state of its own.
#include <algorithm>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>

namespace dorsale {

class ProgressSink {
 public:
  virtual ~ProgressSink() = default;
  virtual void line(const std::string& text) = 0;                        // a step without a count
  virtual void begin(const std::string& stage, std::int64_t total) = 0;  // a counted stage starts
  virtual void update(std::int64_t done) = 0;                            // done rises, at most `total`
  virtual void end() = 0;                                                // the stage is over
};

// One counted stage: begin() at construction, end() at destruction. add() is thread-safe; the
// sink is called under a lock, at most about 1,000 times a stage (each 0.1 %) and with `done`
// never decreasing.
class ProgressCounter {
 public:
  ProgressCounter(ProgressSink* sink, const std::string& stage, std::int64_t total)
      : sink_(sink), total_(std::max<std::int64_t>(total, 0)), step_(std::max<std::int64_t>(1, total_ / 1000)), next_(step_) {
    if (sink_) sink_->begin(stage, total_);
  }
  ~ProgressCounter() {
    if (!sink_) return;
    std::lock_guard<std::mutex> lock(m_);
    if (reported_ < total_) sink_->update(total_);
    sink_->end();
  }
  ProgressCounter(const ProgressCounter&) = delete;
  ProgressCounter& operator=(const ProgressCounter&) = delete;

  void add(std::int64_t n = 1) const {
    if (!sink_) return;
    const std::int64_t done = done_.fetch_add(n, std::memory_order_relaxed) + n;
    if (done < next_.load(std::memory_order_relaxed)) return;
    std::lock_guard<std::mutex> lock(m_);
    const std::int64_t now = std::min(done_.load(std::memory_order_relaxed), total_);
    // threads that passed the check above before next_ moved: one step apart (or the total) only
    if (now <= reported_ || (now < reported_ + step_ && now < total_)) return;
    reported_ = now;
    next_.store(now + step_, std::memory_order_relaxed);
    sink_->update(now);
  }
  std::int64_t done() const { return done_.load(); }

 private:
  ProgressSink* sink_;
  std::int64_t total_, step_;
  mutable std::atomic<std::int64_t> done_{0}, next_;
  mutable std::mutex m_;
  mutable std::int64_t reported_ = 0;
};

}  // namespace dorsale
