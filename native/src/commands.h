// The xray subcommands, as plain functions with option structs (no LibTorch in this header, so
// the CLI front end compiles fast). Each returns the process exit status and prints its own
// messages; none throws.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model_spec.h"

namespace xray {

struct DataReportOptions {
  std::string data_dir, json_path, plot_path;
  bool check_contents = true;
  std::string model_dir;  // when set: list the images that model's out-of-distribution gate flags
  std::string device = "auto";
};
int run_data_report(const DataReportOptions& options);

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
};
int run_train(const TrainOptions& options);

struct EvaluateOptions {
  std::string model_dir, data_dir, split = "test", json_path, plots_dir;
  std::string device = "auto";
  int batch = 64;
  bool record = false;  // append the result to the card's "evaluations" (and re-export model.onnx)
};
int run_evaluate(const EvaluateOptions& options);

struct PredictOptions {
  std::string model_dir, csv_path;
  std::vector<std::string> paths;
  std::string device = "auto";
  int batch = 64;
};
int run_predict(const PredictOptions& options);

struct CalibrateOptions {
  std::string model_dir, data_dir, split = "val", out_dir;
  double target_sensitivity = 0;  // > 0: the most specific threshold keeping this sensitivity
  std::string rule = "youden";    // used when target_sensitivity is 0: centre of the J-maximising interval
  std::string device = "auto";
  int batch = 64;
  int min_per_class = 20;
};
int run_calibrate(const CalibrateOptions& options);

}  // namespace xray
