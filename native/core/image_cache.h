// Every image decoded once, through the shared preprocessing library, into one uint8 block of
// model-size pixels: the training data lives here and is augmented later on the device.
// Decoding runs on all cores; a file that fails is reported and skipped, never fatal.
// Optionally kept on disk, keyed by the files' contents and the preprocessing spec.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "dataset.h"
#include "xray/preprocess_spec.h"

namespace xray {

struct ImageCache {
  int width = 0, height = 0;
  std::vector<std::uint8_t> pixels;  // count() images of width * height, row-major
  std::vector<std::size_t> source;   // for each cached image, its index in the paths given
  std::vector<float> colour_fraction;  // for each cached image, its share of coloured pixels (gray.h)
  std::vector<SkippedFile> failed;   // files that could not be decoded, with reasons

  std::size_t count() const { return source.size(); }
  const std::uint8_t* image(std::size_t i) const { return pixels.data() + i * width * height; }
};

struct CacheOptions {
  int threads = 0;            // 0: all cores
  std::string cache_dir;      // empty: no disk cache
  bool show_progress = true;
};

ImageCache build_image_cache(const std::vector<std::string>& paths, const PreprocessSpec& spec,
                             const CacheOptions& options = {});

// Mean and standard deviation of pixel / 255 over the given cached images (for the spec's
// normalize); (0.5, 0.25) when there are none.
std::pair<double, double> pixel_mean_std(const ImageCache& cache, const std::vector<std::size_t>& images);

}  // namespace xray
