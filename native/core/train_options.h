// The settings of one training run. Torch-free, so that the card writer (model_card.h) and the CLI
// can hold them; the defaults here are the ones --help prints and the README quotes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model_spec.h"

namespace xray {

struct TrainOptions {
  std::string data_dir, out_dir;
  int epochs = 16;
  int image_size = 128;
  int batch = 32;
  std::string device = "auto";  // auto | cpu | cuda
  std::uint64_t seed = 42;
  double val_fraction = 0.15;
  bool resume = false;
  // beyond the list
  double learning_rate = 2e-3;
  double weight_decay = 1e-4;
  std::vector<int> widths = CnnOptions{}.widths;
  int convs_per_block = CnnOptions{}.convs_per_block;
  bool batch_norm = CnnOptions{}.batch_norm;
  double dropout = CnnOptions{}.dropout;
  std::string cache_dir;          // keep decoded images here between runs
  int threads = 0;                // 0: all cores
  int max_per_class = 0;          // >0: a stratified subset of the training images, for quick runs
  std::string augment = "strong";  // none | light | strong (augment.h)
  double label_smoothing = 0.0;   // targets 0/1 become e/2 and 1 - e/2
  double ema_decay = 0.998;       // the shipped weights are this moving average of the steps' weights
  std::string command;            // the command line, for the card (set by the CLI)
  int stop_after_epoch = 0;       // >0: stop after this epoch as if killed, leaving the checkpoint
  std::string preset;             // "" or "gpu" (kGpuPreset), recorded in the card
};

// --preset gpu: the default recipe with 4x the batch, for a GPU, where a step of 32 images is
// mostly launch overhead. The learning rate grows by the square root of the batch's growth (the
// usual rule for Adam-type optimizers) after the same one-epoch warm-up, and the weights' moving
// average keeps the same horizon in images (0.998^4). Flags given explicitly win.
struct RecipePreset {
  int batch;
  double learning_rate;
  double ema_decay;
  const char* description;
};
inline constexpr RecipePreset kGpuPreset{128, 4e-3, 0.992,
                                         "gpu: batch 128, learning rate 0.004 (square-root scaling for 4x the batch), "
                                         "EMA decay 0.992 (the same horizon in images as 0.998 at batch 32)"};

}  // namespace xray
