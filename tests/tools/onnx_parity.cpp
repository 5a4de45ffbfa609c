// onnx-parity OUTDIR [IMAGE...]: exports networks of several shapes with our ONNX writer and
// records LibTorch's own eval outputs for the same inputs, for tests/scripts/onnx_parity.mjs to
// compare with ONNX Runtime. Batch norm statistics are randomised so folding is really tested.
// With IMAGE arguments, the last case also runs on those files, preprocessed by the shared library.
// Every case but the first also carries a Platt calibration and fitted out-of-distribution
// statistics, so the folded calibration and the ood_score output are compared too; their inputs
// add synthetic non-X-ray tensors (saturated blocks, stripes), which score far from the fit.
#include <cstdio>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "inference.h"
#include "model.h"
#include "onnx_writer.h"
#include "xray/file_io.h"
#include "xray/preprocess.h"

namespace {

using nlohmann::json;

bool write_floats(const std::string& path, const torch::Tensor& t) {
  const torch::Tensor c = t.detach().to(torch::kFloat32).contiguous();
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(c.data_ptr<float>()), c.numel() * 4);
  return static_cast<bool>(out);
}

void randomise_batch_norm(xray::XrayNet& net) {
  torch::NoGradGuard no_grad;
  for (auto& module : net->body->children()) {
    if (auto* bn = module->as<torch::nn::BatchNorm2d>()) {
      bn->weight.uniform_(0.5, 1.5);
      bn->bias.uniform_(-0.2, 0.2);
      bn->running_mean.uniform_(-0.3, 0.3);
      bn->running_var.uniform_(0.5, 2.0);
    }
  }
}

struct Case {
  std::string name;
  std::vector<int> widths;
  int convs, height, width;
  bool batch_norm, fold, gate;
};

// OOD statistics fitted on random inputs (and the real images, when there are some), so that the
// score is exercised with real numbers: near the fit for those, far for the synthetic inputs.
std::vector<xray::OodTap> fit_on(xray::XrayNet& net, int height, int width, const torch::Tensor& real) {
  torch::Tensor fit_input = torch::randn({64, 1, height, width}) * 0.7;
  if (real.defined()) fit_input = torch::cat({fit_input, real});
  const auto features = xray::collect_tap_features(net, fit_input.size(0), 32, [&](std::int64_t b, std::int64_t e) { return fit_input.slice(0, b, e); });
  const std::vector<int> channels = xray::ood_tap_dims(net->spec());
  std::vector<xray::OodTap> taps;
  for (std::size_t t = 0; t < features.size(); ++t) {
    xray::OodTap tap = *xray::fit_ood_tap(features[t], channels[t]);
    // As the trainer does: 1 = the 99th percentile of the fit's own distances.
    std::vector<float> distances;
    for (std::size_t i = 0; i < features[t].size(); i += channels[t]) distances.push_back(static_cast<float>(xray::ood_distance(tap, &features[t][i])));
    xray::rescale_ood_tap(tap, xray::quantile_of(distances, xray::kOodTapQuantile));
    taps.push_back(std::move(tap));
  }
  return taps;
}

// Inputs nothing like the fit: a saturated block image and stripes.
torch::Tensor synthetic_inputs(int height, int width) {
  torch::Tensor blocks = torch::full({1, 1, height, width}, -2.0);
  blocks.slice(2, 0, height / 2).slice(3, 0, width / 2).fill_(3.0);
  torch::Tensor stripes = torch::zeros({1, 1, height, width});
  for (int x = 0; x < width; x += 4) stripes.slice(3, x, x + 2).fill_(2.5);
  return torch::cat({blocks, stripes});
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return std::fprintf(stderr, "usage: onnx-parity OUTDIR [IMAGE...]\n"), 2;
  const std::filesystem::path dir = argv[1];
  std::filesystem::create_directories(dir);
  const Case cases[] = {
      {"tiny_bn_folded", {8, 16}, 1, 32, 32, true, true, false},
      {"deeper_nonsquare", {8, 16, 32}, 2, 40, 56, true, true, true},
      {"no_batch_norm", {12, 24}, 1, 64, 64, false, true, true},
      {"bn_kept_as_nodes", {8, 16, 32}, 1, 48, 48, true, false, true},
      {"recipe_128", {16, 32, 64, 96}, 2, 128, 128, true, true, true},
  };
  json manifest = json::array();
  int seed = 1;
  for (const Case& c : cases) {
    torch::manual_seed(seed++);
    xray::CnnOptions options;
    options.widths = c.widths;
    options.convs_per_block = c.convs;
    options.batch_norm = c.batch_norm;
    xray::XrayNet net(xray::make_cnn(options));
    randomise_batch_norm(net);
    net->eval();
    torch::NoGradGuard no_grad;

    torch::Tensor input = torch::randn({3, 1, c.height, c.width});
    const xray::PlattScaling platt = c.gate ? xray::PlattScaling{1.3, -0.4} : xray::PlattScaling{};
    torch::Tensor real;
    std::vector<std::string> sources = {"random"};
    if (c.name == "recipe_128" && argc > 2) {
      xray::PreprocessSpec spec;
      spec.width = c.width;
      spec.height = c.height;
      std::vector<torch::Tensor> images;
      for (int i = 2; i < argc; ++i) {
        auto bytes = xray::read_file(argv[i]);
        if (!bytes) continue;
        auto tensor = xray::preprocess(bytes->data(), bytes->size(), spec);
        if (!tensor) continue;
        images.push_back(torch::from_blob(tensor->data.data(), {1, 1, c.height, c.width}, torch::kFloat32).clone());
        sources.push_back(std::filesystem::path(argv[i]).filename().string());
      }
      if (!images.empty()) real = torch::cat(images), input = torch::cat({input, real});
    }
    if (c.gate) {
      net->set_ood(fit_on(net, c.height, c.width, real));
      input = torch::cat({input, synthetic_inputs(c.height, c.width)});
    }
    const auto outputs = net->forward_with_ood(input);
    const torch::Tensor probability = torch::sigmoid(outputs.logit * platt.a + platt.b);
    const torch::Tensor cam = net->cam(input) * platt.a + platt.b;

    xray::OnnxExport onnx = xray::onnx_export_from(net, c.height, c.width);
    onnx.fold_batch_norm = c.fold;
    onnx.calibration = platt;
    if (c.gate) onnx.ood = net->ood();
    onnx.metadata = {{"case", c.name}};
    auto bytes = xray::write_onnx(onnx);
    if (!bytes) return std::fprintf(stderr, "%s: %s\n", c.name.c_str(), bytes.error().message.c_str()), 1;
    const std::string base = (dir / c.name).string();
    xray::write_file_atomic(base + ".onnx", bytes->data(), bytes->size());
    write_floats(base + ".input.f32", input);
    write_floats(base + ".probability.f32", probability);
    write_floats(base + ".cam.f32", cam);
    write_floats(base + ".ood_score.f32", outputs.ood_score);
    manifest.push_back({{"name", c.name}, {"onnx", base + ".onnx"}, {"input", base + ".input.f32"},
                        {"input_shape", input.sizes().vec()}, {"probability", base + ".probability.f32"},
                        {"cam", base + ".cam.f32"}, {"cam_shape", cam.sizes().vec()}, {"sources", sources},
                        {"ood_score", c.gate ? json(base + ".ood_score.f32") : json(nullptr)}});
    if (c.name == "tiny_bn_folded") {
      onnx.break_gemm_shape_for_tests = true;
      auto broken = xray::write_onnx(onnx);
      xray::write_file_atomic((dir / "broken_gemm.onnx").string(), broken->data(), broken->size());
    }
  }
  std::ofstream((dir / "manifest.json").string()) << json{{"cases", manifest}, {"broken", (dir / "broken_gemm.onnx").string()}}.dump(2);
  std::printf("onnx-parity: %zu models in %s\n", manifest.size(), dir.string().c_str());
  return 0;
}
