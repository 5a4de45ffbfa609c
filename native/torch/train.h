// xray train: data set -> patient split -> uint8 cache -> CNN -> averaged weights, calibration,
// threshold, out-of-distribution statistics, card, ONNX (train.cpp). No LibTorch in this header.
#pragma once

#include "train_options.h"

namespace xray {

// Returns the process exit status; prints its own progress and messages; never throws.
int run_train(const TrainOptions& options);

}  // namespace xray
