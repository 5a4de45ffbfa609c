// Our own ONNX writer (IR version 8, opset 17), driven by the same ModelSpec layer list that
// builds the LibTorch modules. No LibTorch here: export.cpp copies the trained weights into
// OnnxExport, this file turns them into a ModelProto.
//
// Graph: input [batch, 1, H, W] float32 ->
//   probability [batch, 1]    sigmoid(logit) = P(PNEUMONIA)
//   cam [batch, 1, h, w]      class activation map: sum_c w_c F_c + b over the last features F
//                             (its spatial mean is the logit), computed in the graph as a 1x1 Conv
//   ood_score [batch, 1]      out-of-distribution score (ood_fit.h), when the statistics are given
// The logit is the calibrated one: Platt's a and b are folded into the final layer's weights.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "model_spec.h"
#include "ood_fit.h"
#include "operating_point.h"
#include "xray/expected.h"

namespace xray {

// Trained values for one entry of ModelSpec::layers (empty for layers without any).
struct LayerWeights {
  std::vector<float> weight, bias;               // conv: out*in*k*k, out; linear: out*in, out
  std::vector<float> gamma, beta, mean, variance;  // batch norm
  double epsilon = 1e-5;
};

struct OnnxExport {
  ModelSpec model;
  std::vector<LayerWeights> weights;  // parallel to model.layers
  int input_height = 0, input_width = 0;
  bool fold_batch_norm = true;        // BN folded into the preceding convolution
  PlattScaling calibration;           // folded into the final layer (and so into the CAM)
  std::vector<OodTap> ood;            // one per ood_tap_layers(model); empty: no ood_score output
  std::vector<std::pair<std::string, std::string>> metadata;  // metadata_props
  std::string producer_version = "0.1.0";
  bool break_gemm_shape_for_tests = false;  // writes a Gemm weight of the wrong width
};

// Serialized ModelProto, or why the layers cannot be exported.
Expected<std::string> write_onnx(const OnnxExport& model);

}  // namespace xray
