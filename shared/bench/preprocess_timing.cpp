// preprocess-timing [--repeat N] FILE...: median milliseconds per image for decode (probe +
// stb + gray) and for the whole preprocess (decode + resize + normalize), one JSON object per
// line. Built for WASM, where Google Benchmark is not available; scripts/bench/preprocess.sh
// runs it under node beside the native Google Benchmark.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "xray/file_io.h"
#include "xray/preprocess.h"

namespace {

template <typename F>
double median_ms(int repeat, F&& work) {
  std::vector<double> times;
  for (int i = 0; i < repeat; ++i) {
    const auto start = std::chrono::steady_clock::now();
    work();
    times.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  int repeat = 5;
  int first = 1;
  if (argc > 2 && !std::strcmp(argv[1], "--repeat")) {
    repeat = std::max(1, std::atoi(argv[2]));
    first = 3;
  }
  const xray::PreprocessSpec spec;
  for (int i = first; i < argc; ++i) {
    auto bytes = xray::read_file(argv[i]);
    if (!bytes) {
      std::fprintf(stderr, "%s\n", bytes.error().message.c_str());
      return 1;
    }
    auto check = xray::preprocess(bytes->data(), bytes->size(), spec);
    if (!check) {
      std::fprintf(stderr, "%s: %s\n", argv[i], check.error().message.c_str());
      return 1;
    }
    auto decoded = xray::decode_gray(bytes->data(), bytes->size());
    const double decode = median_ms(repeat, [&] { (void)xray::decode_gray(bytes->data(), bytes->size()); });
    const double total = median_ms(repeat, [&] { (void)xray::preprocess(bytes->data(), bytes->size(), spec); });
    std::printf("{\"file\": \"%s\", \"width\": %d, \"height\": %d, \"channels\": %d, \"decode_ms\": %.3f, \"total_ms\": %.3f}\n",
                argv[i], decoded->info.width, decoded->info.height, decoded->info.channels, decode, total);
  }
  return 0;
}
