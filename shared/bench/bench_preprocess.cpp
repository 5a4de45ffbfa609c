// Google Benchmark of decode and of the whole preprocess on real X-rays.
// usage: bench-preprocess IMAGE... [--benchmark_* flags]
// One pair of benchmarks per image: decode/NAME (probe + stb + gray) and preprocess/NAME
// (decode + resize + normalize to the default 224x224 spec).
#include <benchmark/benchmark.h>

#include <cstdio>
#include <string>
#include <vector>

#include "xray/file_io.h"
#include "xray/preprocess.h"

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);  // removes the --benchmark_* flags it knows
  static std::vector<std::vector<std::uint8_t>> images;
  images.reserve(argc);
  for (int i = 1; i < argc; ++i) {
    auto bytes = xray::read_file(argv[i]);
    if (!bytes) {
      std::fprintf(stderr, "bench-preprocess: %s\n", bytes.error().message.c_str());
      return 1;
    }
    images.push_back(std::move(*bytes));
    const std::vector<std::uint8_t>* image = &images.back();
    const std::string name = std::string(argv[i]).substr(std::string(argv[i]).find_last_of('/') + 1);
    benchmark::RegisterBenchmark(("decode/" + name).c_str(), [image](benchmark::State& state) {
      for (auto _ : state) benchmark::DoNotOptimize(xray::decode_gray(image->data(), image->size()));
    })->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark(("preprocess/" + name).c_str(), [image](benchmark::State& state) {
      const xray::PreprocessSpec spec;
      for (auto _ : state) benchmark::DoNotOptimize(xray::preprocess(image->data(), image->size(), spec));
    })->Unit(benchmark::kMillisecond);
  }
  if (images.empty()) {
    std::fprintf(stderr, "usage: bench-preprocess IMAGE... [--benchmark_* flags]\n");
    return 2;
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
