#include "progress.h"

#include <unistd.h>

#include <cstdio>

namespace xray {

std::string format_duration(double seconds) {
  char text[32];
  const long s = static_cast<long>(seconds + 0.5);
  if (seconds < 60) std::snprintf(text, sizeof text, "%.1fs", seconds);
  else if (s < 3600) std::snprintf(text, sizeof text, "%ldm%02lds", s / 60, s % 60);
  else std::snprintf(text, sizeof text, "%ldh%02ldm", s / 3600, (s % 3600) / 60);
  return text;
}

Progress::Progress(std::string label, std::int64_t total, std::string unit)
    : label_(std::move(label)), unit_(std::move(unit)), total_(total > 0 ? total : 1),
      interactive_(isatty(STDERR_FILENO) != 0), start_(std::chrono::steady_clock::now()), last_draw_(start_) {}

double Progress::elapsed_seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

double Progress::rate() const {
  const double t = elapsed_seconds();
  return t > 0 ? done_ / t : 0.0;
}

void Progress::update(std::int64_t done, const std::string& suffix) {
  done_ = done;
  const auto now = std::chrono::steady_clock::now();
  if (interactive_) {
    if (now - last_draw_ < std::chrono::milliseconds(100)) return;
    last_draw_ = now;
    draw(suffix, false);
    return;
  }
  const int quarter = static_cast<int>(4 * done_ / total_);
  if (quarter > last_quarter_ && done_ < total_) {
    last_quarter_ = quarter;
    draw(suffix, false);
  }
}

double Progress::finish(const std::string& suffix) {
  done_ = total_;
  draw(suffix, true);
  return elapsed_seconds();
}

void Progress::draw(const std::string& suffix, bool final_line) {
  const double fraction = static_cast<double>(done_) / total_;
  const int width = 24, filled = static_cast<int>(fraction * width);
  std::string bar(filled, '#');
  bar.resize(width, '.');
  const double r = rate();
  const std::string eta = final_line ? "in " + format_duration(elapsed_seconds())
                                     : "ETA " + (r > 0 ? format_duration((total_ - done_) / r) : std::string("?"));
  std::fprintf(stderr, "%s%s [%s] %lld/%lld %s, %.0f %s/s, %s%s%s", interactive_ ? "\r\033[K" : "", label_.c_str(),
               bar.c_str(), static_cast<long long>(done_), static_cast<long long>(total_), unit_.c_str(), r,
               unit_.c_str(), eta.c_str(), suffix.empty() ? "" : ", ", suffix.c_str());
  if (final_line || !interactive_) std::fputc('\n', stderr);
  std::fflush(stderr);
}

}  // namespace xray
