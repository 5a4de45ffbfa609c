// The two per-step updates of training, each done for all tensors at once with LibTorch's
// multi-tensor (_foreach_) operations: on CUDA one kernel per operation for the whole network
// instead of one per parameter (LibTorch's C++ AdamW loops over parameters, ~10 launches each,
// which at batch 32 cost more than the network's own work). On the CPU the same operations run
// tensor by tensor in the same order, so results equal the per-parameter loops bit for bit
// (tests/torch/test_multi_tensor.cpp).
#pragma once

#include <torch/torch.h>

#include <cstdint>

#include "model.h"

namespace xray {

// One AdamW step with `optimizer`'s options, state and learning rate, in the same arithmetic as
// torch::optim::AdamW::step() (decoupled weight decay first, bias-corrected moments), keeping its
// state where AdamW keeps it, so checkpoints (optimizer.save / load) are unchanged. Parameters
// without a gradient are skipped, as AdamW does. With amsgrad, or parameters of one group at
// different step counts (never in this trainer), LibTorch's own step() does the whole step.
void adamw_step(torch::optim::AdamW& optimizer);

// The shipped weights' moving average: average = d * average + (1 - d) * net for floating-point
// parameters and buffers, integer buffers copied; d = min(decay, (1 + step) / (10 + step)).
void update_average(XrayNet& average, XrayNet& net, double decay, std::int64_t step);

}  // namespace xray
