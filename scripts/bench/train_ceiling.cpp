// train-ceiling: the network's own training speed, the ceiling the trainer is measured against.
// Forward + backward + AdamW steps of the trainer's network on one random batch that is already on
// the device: no data loading, augmentation, host copies or validation. On CUDA it uses the
// trainer's settings (bf16 autocast, channels_last, cuDNN's heuristics, no TF32) and its AdamW
// step (multi_tensor_step.h), from the same headers; the flags below change them, for comparisons.
// usage: train-ceiling [--batch 32] [--image-size 128] [--steps 200] [--warmup 20] [--device cpu|cuda]
//                      [--optimizer multi-tensor|per-parameter] [--layout channels-last|contiguous]
//                      [--precision bf16|fp32]   (XRAY_CUDNN_BENCHMARK=1: cuDNN's benchmark mode)
// Prints a summary line, then one JSON line (images_per_second, seconds, ...) for scripts.
#include <CLI/CLI.hpp>
#include <malloc.h>
#include <torch/torch.h>
#include <torch/version.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "cuda_speed.h"
#include "model.h"
#include "model_spec.h"
#include "multi_tensor_step.h"

int main(int argc, char** argv) {
  // As in the xray CLI: keep LibTorch's large, short-lived buffers in the heap, since returning
  // them to the kernel every step makes CPU training several times slower.
  mallopt(M_MMAP_THRESHOLD, 256 << 20);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  mallopt(M_TOP_PAD, 64 << 20);
  int batch = 32, image_size = 128, steps = 200, warmup = 20, threads = 0;
  std::string device_name = "cpu", widths_text = "16,32,64,96";
  std::string optimizer_kind = "multi-tensor", layout = "channels-last", precision = "bf16";
  CLI::App app{"train-ceiling: images/s of forward + backward + AdamW on random data already on the device"};
  app.add_option("--batch", batch, "Batch size")->check(CLI::Range(1, 4096))->capture_default_str();
  app.add_option("--image-size", image_size, "Square input size")->check(CLI::Range(16, 1024))->capture_default_str();
  app.add_option("--steps", steps, "Timed steps")->check(CLI::Range(1, 1000000))->capture_default_str();
  app.add_option("--warmup", warmup, "Untimed steps first (allocator, cuDNN algorithm choice)")->check(CLI::Range(0, 1000000))->capture_default_str();
  app.add_option("--device", device_name, "cpu or cuda")->check(CLI::IsMember({"cpu", "cuda"}))->capture_default_str();
  app.add_option("--widths", widths_text, "Channels per block (the trainer's default recipe)")->capture_default_str();
  app.add_option("--optimizer", optimizer_kind, "AdamW step: the trainer's multi-tensor one or LibTorch's per-parameter loop")
      ->check(CLI::IsMember({"multi-tensor", "per-parameter"}))->capture_default_str();
  app.add_option("--layout", layout, "Memory layout on CUDA")->check(CLI::IsMember({"channels-last", "contiguous"}))->capture_default_str();
  app.add_option("--precision", precision, "Forward pass on CUDA")->check(CLI::IsMember({"bf16", "fp32"}))->capture_default_str();
  app.add_option("--threads", threads, "CPU threads (0: all cores)")->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  xray::CnnOptions cnn;  // the trainer's network: 2 convs per block, batch norm, dropout 0.2
  cnn.widths.clear();
  std::stringstream list(widths_text);
  try {
    for (std::string item; std::getline(list, item, ',');) cnn.widths.push_back(std::stoi(item));
  } catch (const std::exception&) {
    std::fprintf(stderr, "train-ceiling: --widths must be integers separated by commas, e.g. 16,32,64,96\n");
    return 2;
  }
  cnn.convs_per_block = 2;
  cnn.batch_norm = true;
  cnn.dropout = 0.2;
  const auto spec = xray::validate(xray::make_cnn(cnn));
  if (!spec) {
    std::fprintf(stderr, "train-ceiling: %s\n", spec.error().message.c_str());
    return 2;
  }

  const bool cuda = device_name == "cuda";
  if (cuda && !torch::cuda::is_available()) {
    std::fprintf(stderr, "train-ceiling: --device cuda, but this LibTorch sees no CUDA device\n");
    return 1;
  }
  const torch::Device device(cuda ? torch::kCUDA : torch::kCPU);
  if (cuda) xray::configure_cuda_math();
  const bool channels_last = cuda && layout == "channels-last", autocast_bf16 = cuda && precision == "bf16";
  const bool multi_tensor = optimizer_kind == "multi-tensor";
  torch::set_num_threads(threads > 0 ? threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
  torch::manual_seed(42);

  xray::XrayNet net(*spec);
  net->to(device);
  if (channels_last) xray::use_channels_last(*net);
  net->train();
  torch::optim::AdamW optimizer(net->parameters(), torch::optim::AdamWOptions(2e-3).weight_decay(1e-4));
  const auto on_device = torch::TensorOptions().dtype(torch::kFloat32).device(device);
  torch::Tensor x = torch::randn({batch, 1, image_size, image_size}, on_device);
  if (channels_last) x = x.contiguous(torch::MemoryFormat::ChannelsLast);
  const torch::Tensor y = torch::randint(0, 2, {batch}, on_device);
  const torch::Tensor pos_weight = torch::full({1}, 1341.0f / 3875.0f, on_device);  // the data set's NORMAL/PNEUMONIA

  // The trainer's step, minus everything that is not the network's own work.
  auto step = [&] {
    torch::Tensor logits;
    {
      xray::CudaAutocast autocast(autocast_bf16);
      logits = net->forward(x).view({-1}).to(torch::kFloat32);
    }
    const torch::Tensor loss = torch::nn::functional::binary_cross_entropy_with_logits(
        logits, y, torch::nn::functional::BinaryCrossEntropyWithLogitsFuncOptions().pos_weight(pos_weight));
    optimizer.zero_grad();
    loss.backward();
    if (multi_tensor) {
      xray::adamw_step(optimizer);
    } else {
      optimizer.step();
    }
    return loss;
  };
  // Reading a value waits for the device, so the clock brackets finished work only.
  for (int i = 0; i < warmup; ++i) step();
  if (warmup > 0) step().item<float>();
  const auto start = std::chrono::steady_clock::now();
  torch::Tensor loss;
  for (int i = 0; i < steps; ++i) loss = step();
  const float last_loss = loss.item<float>();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double images_per_second = static_cast<double>(batch) * steps / seconds;

  const bool benchmark = cuda && at::globalContext().benchmarkCuDNN();
  std::printf("train-ceiling: %s, net %s (%lld parameters), batch %d, %dx%d, %d steps in %.3f s: %.0f images/s (LibTorch %s, %s AdamW%s%s%s)\n",
              device_name.c_str(), widths_text.c_str(), xray::parameter_count(*spec), batch, image_size, image_size, steps,
              seconds, images_per_second, TORCH_VERSION, optimizer_kind.c_str(), autocast_bf16 ? ", bf16 autocast" : "",
              channels_last ? ", channels_last" : "", benchmark ? ", cuDNN benchmark" : "");
  std::printf("{\"device\": \"%s\", \"widths\": \"%s\", \"batch\": %d, \"image_size\": %d, \"steps\": %d, \"warmup\": %d, \"seconds\": %.6f, "
              "\"images_per_second\": %.3f, \"last_loss\": %.6f, \"parameters\": %lld, \"libtorch\": \"%s\", \"optimizer\": \"%s\", "
              "\"layout\": \"%s\", \"precision\": \"%s\", \"cudnn_benchmark\": %s}\n",
              device_name.c_str(), widths_text.c_str(), batch, image_size, steps, warmup, seconds, images_per_second, last_loss,
              xray::parameter_count(*spec), TORCH_VERSION, optimizer_kind.c_str(), channels_last ? "channels-last" : "contiguous",
              autocast_bf16 ? "bf16" : "fp32", benchmark ? "true" : "false");
  return 0;
}
