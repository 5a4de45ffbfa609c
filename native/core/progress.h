// A progress line for long work: count, rate, ETA and a caller-supplied suffix (e.g. the loss).
// On a terminal it redraws in place; in a log (CI, a pipe) it prints a line at every 25%.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace xray {

class Progress {
 public:
  Progress(std::string label, std::int64_t total, std::string unit = "img");
  // Sets the count done so far; redraws at most ~10 times a second.
  void update(std::int64_t done, const std::string& suffix = "");
  // Final line with the total time; returns the elapsed seconds.
  double finish(const std::string& suffix = "");
  double elapsed_seconds() const;
  double rate() const;  // units per second so far

 private:
  void draw(const std::string& suffix, bool final_line);

  std::string label_, unit_;
  std::int64_t total_, done_ = 0;
  int last_quarter_ = 0;
  bool interactive_;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

std::string format_duration(double seconds);  // "42s", "3m05s", "1h02m"

}  // namespace xray
