// The xray subcommands, as plain functions with option structs (no LibTorch in this header, so
// the CLI front end compiles fast). Each returns the process exit status and prints its own
// messages; none throws.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "train.h"

namespace xray {

struct DataReportOptions {
  std::string data_dir, json_path, plot_path;
  bool check_contents = true;
  std::string model_dir;  // when set: list the images that model's out-of-distribution gate flags
  std::string device = "auto";
};
int run_data_report(const DataReportOptions& options);

// xray train: native/torch/train.cpp (its steps need LibTorch); options in native/core/train_options.h.


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
