// The training state after an epoch, saved so that `xray train --resume` continues after a kill
// with at most one epoch lost. Written to a temporary file and renamed.
#pragma once

#include <torch/torch.h>

#include <string>

#include "model.h"

namespace xray {

struct TrainingState {
  int epochs_done = 0;
  int best_epoch = -1;         // 1-based epoch whose weights are in model.pt; -1 none yet
  double best_auc = -1.0;
  int epochs_without_gain = 0;
  std::string history_json = "[]";  // one object per epoch, as in train_log.jsonl
  std::string fingerprint;          // the settings that must match on resume
};

void save_checkpoint(const std::string& path, XrayNet& net, torch::optim::Optimizer& optimizer, const TrainingState& state);
// Throws c10::Error / std::runtime_error on unreadable files; callers turn that into a message.
TrainingState load_checkpoint(const std::string& path, XrayNet& net, torch::optim::Optimizer& optimizer);

}  // namespace xray
