#include "image_cache.h"

#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <thread>

#include <nlohmann/json.hpp>

#include "progress.h"
#include "xray/sha256.h"
#include "xray/file_io.h"
#include "xray/preprocess.h"

namespace xray {
namespace {

constexpr char kMagic[] = "XRAYCACHE1\n";

std::uint64_t fnv1a(const std::vector<std::uint8_t>& bytes) {
  std::uint64_t h = 1469598103934665603ull;
  for (std::uint8_t b : bytes) h = (h ^ b) * 1099511628211ull;
  return h;
}

// One decoded file: its pixels, or why it failed; plus its content hash for the cache key.
struct Decoded {
  std::vector<std::uint8_t> pixels;
  float colour_fraction = 0;
  std::string error;
  std::uint64_t hash = 0;
};

// Bump when decoding or resizing changes, so old caches are not reused.
constexpr const char* kCacheFormat = "xray-image-cache 3";

std::string cache_path(const CacheOptions& options, const PreprocessSpec& spec, const std::vector<Decoded>& files) {
  const DecodeLimits limits;
  std::string key = std::string(kCacheFormat) + "\n" + to_json(spec) + "\n" + std::to_string(limits.max_side) + " " +
                    std::to_string(limits.max_pixels) + " " + std::to_string(limits.min_side);
  for (const Decoded& d : files) key += "\n" + std::to_string(d.hash);
  return options.cache_dir + "/images-" + sha256_hex(key.data(), key.size()).substr(0, 24) + ".u8";
}

bool load_cache(const std::string& path, ImageCache& cache, std::size_t file_count);

// A damaged cache file is a miss, never an error.
bool load_cache_safely(const std::string& path, ImageCache& cache, std::size_t file_count) {
  try {
    return load_cache(path, cache, file_count);
  } catch (const std::exception&) {
    cache = ImageCache{};
    return false;
  }
}

bool load_cache(const std::string& path, ImageCache& cache, std::size_t file_count) {
  auto bytes = read_file(path);
  const std::size_t magic = sizeof kMagic - 1;
  if (!bytes || bytes->size() < magic + 8 || std::memcmp(bytes->data(), kMagic, magic) != 0) return false;
  std::uint64_t header_size = 0;
  std::memcpy(&header_size, bytes->data() + magic, 8);
  if (header_size > bytes->size() - magic - 8) return false;
  const auto* text = reinterpret_cast<const char*>(bytes->data() + magic + 8);
  auto header = nlohmann::json::parse(text, text + header_size, nullptr, false);
  if (header.is_discarded()) return false;
  cache.width = header.value("width", 0);
  cache.height = header.value("height", 0);
  cache.source = header.value("source", std::vector<std::size_t>{});
  cache.colour_fraction = header.value("colour_fraction", std::vector<float>{});
  if (cache.colour_fraction.size() != cache.source.size()) return false;
  for (const auto& f : header.value("failed", nlohmann::json::array())) {
    cache.failed.push_back({f.value("path", ""), f.value("reason", "")});
  }
  const std::size_t image_bytes = static_cast<std::size_t>(cache.width) * cache.height;
  const std::size_t offset = magic + 8 + header_size;
  for (std::size_t s : cache.source) {
    if (s >= file_count) return false;
  }
  if (bytes->size() - offset != cache.source.size() * image_bytes) return false;
  cache.pixels.assign(bytes->begin() + offset, bytes->end());
  return true;
}

void save_cache(const std::string& path, const ImageCache& cache) {
  nlohmann::json failed = nlohmann::json::array();
  for (const auto& f : cache.failed) failed.push_back({{"path", f.path}, {"reason", f.reason}});
  const std::string header =
      nlohmann::json{{"width", cache.width}, {"height", cache.height}, {"source", cache.source},
                     {"colour_fraction", cache.colour_fraction}, {"failed", failed}}.dump();
  std::vector<std::uint8_t> out(kMagic, kMagic + sizeof kMagic - 1);
  const std::uint64_t header_size = header.size();
  out.insert(out.end(), reinterpret_cast<const std::uint8_t*>(&header_size),
             reinterpret_cast<const std::uint8_t*>(&header_size) + 8);
  out.insert(out.end(), header.begin(), header.end());
  out.insert(out.end(), cache.pixels.begin(), cache.pixels.end());
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  auto written = write_file_atomic(path, out.data(), out.size());
  if (!written) std::fprintf(stderr, "warning: image cache not saved: %s\n", written.error().message.c_str());
}

}  // namespace

ImageCache build_image_cache(const std::vector<std::string>& paths, const PreprocessSpec& spec,
                             const CacheOptions& options) {
  const int threads = options.threads > 0 ? options.threads
                                          : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::vector<Decoded> files(paths.size());
  std::atomic<std::size_t> next{0}, done{0};
  const bool use_disk = !options.cache_dir.empty();
  Progress progress("decode", static_cast<std::int64_t>(paths.size()));
  std::mutex progress_mutex;

  // With a disk cache, first only hash the files (cheap), decode only on a miss.
  auto work = [&](bool decode) {
    for (std::size_t i; (i = next.fetch_add(1)) < paths.size();) {
      Decoded& d = files[i];
      d.error.clear();
      auto bytes = read_file(paths[i]);
      if (!bytes) {
        d.error = bytes.error().message;
      } else {
        d.hash = fnv1a(*bytes);
        if (decode) {
          auto pixels = preprocess_pixels(bytes->data(), bytes->size(), spec);
          if (pixels) d.pixels = std::move(pixels->pixels.pixels), d.colour_fraction = static_cast<float>(pixels->colour_fraction);
          else d.error = pixels.error().message;
        }
      }
      const std::size_t n = ++done;
      if (decode && options.show_progress && (n % 64 == 0 || n == paths.size())) {
        std::lock_guard<std::mutex> lock(progress_mutex);
        progress.update(static_cast<std::int64_t>(n));
      }
    }
  };
  auto run_all = [&](bool decode) {
    next = 0;
    done = 0;
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) pool.emplace_back(work, decode);
    for (auto& t : pool) t.join();
  };

  ImageCache cache;
  std::string disk_path;
  if (use_disk) {
    run_all(false);
    disk_path = cache_path(options, spec, files);
    if (load_cache_safely(disk_path, cache, paths.size())) {
      if (options.show_progress) std::fprintf(stderr, "decode: %zu images from the cache %s\n", cache.count(), disk_path.c_str());
      return cache;
    }
    cache = ImageCache{};
  }
  run_all(true);
  if (options.show_progress) progress.finish();

  cache.width = spec.width;
  cache.height = spec.height;
  for (std::size_t i = 0; i < files.size(); ++i) {
    if (!files[i].error.empty()) {
      cache.failed.push_back({paths[i], files[i].error});
      continue;
    }
    cache.source.push_back(i);
    cache.colour_fraction.push_back(files[i].colour_fraction);
    cache.pixels.insert(cache.pixels.end(), files[i].pixels.begin(), files[i].pixels.end());
  }
  if (use_disk) save_cache(disk_path, cache);
  return cache;
}

std::pair<double, double> pixel_mean_std(const ImageCache& cache, const std::vector<std::size_t>& images) {
  double sum = 0, sum_sq = 0;
  const std::size_t size = static_cast<std::size_t>(cache.width) * cache.height;
  for (std::size_t i : images) {
    for (std::size_t k = 0; k < size; ++k) {
      const double v = cache.image(i)[k] / 255.0;
      sum += v;
      sum_sq += v * v;
    }
  }
  const double n = static_cast<double>(images.size() * size);
  if (n == 0) return {0.5, 0.25};
  const double mean = sum / n;
  return {mean, std::sqrt(std::max(1e-12, sum_sq / n - mean * mean))};
}

}  // namespace xray
