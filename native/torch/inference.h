// The one inference path: train (validation, OOD fit), evaluate, predict, calibrate and the
// ONNX parity tool all run the network through these functions, so they cannot drift apart.
// Includes torch: only for the LibTorch translation units.
#pragma once

#include <torch/torch.h>

#include <array>
#include <functional>
#include <vector>

#include "model.h"

namespace xray {

struct NetworkOutputs {
  std::vector<float> logits;      // raw, before the card's calibration
  std::vector<float> ood_scores;  // 0 for a network whose OOD statistics are not fitted
};

// Input rows [begin, end) as normalized N x 1 x H x W float tensors on the network's device.
using InputBatch = std::function<torch::Tensor(std::int64_t begin, std::int64_t end)>;

// Eval mode, no gradients, `batch` rows at a time.
NetworkOutputs run_network(XrayNet& net, std::int64_t count, int batch, const InputBatch& input);
// The spatially averaged features of every OOD tap, row-major per tap (count x C_t), in double.
std::vector<std::vector<double>> collect_tap_features(XrayNet& net, std::int64_t count, int batch, const InputBatch& input);

// 8-bit model-size pixels -> the shared library's normalization, bit for bit, through its
// 256-entry table (`lut`, on the pixels' device).
torch::Tensor normalize_pixels(const torch::Tensor& pixels_u8, const torch::Tensor& lut);
torch::Tensor lut_tensor(const std::array<float, 256>& table, torch::Device device);

}  // namespace xray
