// The training state after an epoch, saved so that `xray train --resume` continues after a kill
// with at most one epoch lost, on the same device or another one. Tensors are saved as CPU
// tensors (model.h, save_weights) and mapped onto the training device when loaded. Written to a
// temporary file and renamed.
#pragma once

#include <torch/torch.h>

#include <string>

#include "model.h"

namespace xray {

struct TrainingState {
  int epochs_done = 0;
  std::string history_json = "[]";  // one object per epoch, as in train_log.jsonl
  std::string fingerprint;          // the settings that must match on resume
};

void save_checkpoint(const std::string& path, XrayNet& net, XrayNet& average, torch::optim::Optimizer& optimizer,
                     const TrainingState& state);
// Throws c10::Error / std::runtime_error on unreadable files; callers turn that into a message.
TrainingState load_checkpoint(const std::string& path, XrayNet& net, XrayNet& average, torch::optim::Optimizer& optimizer,
                              torch::Device device);

}  // namespace xray
