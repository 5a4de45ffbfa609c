// Weights that travel: model.pt always holds contiguous CPU tensors, whatever layout or device
// trained them (channels_last on CUDA), and loads onto the device asked for. A CUDA module cannot
// be made on a machine without a GPU; channels_last is the part of a CUDA-trained module that
// reaches the file, so that is what these tests save. Weights written before the OOD gate
// existed still load, and say so.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <filesystem>

#include "cuda_speed.h"
#include "model.h"

namespace xray {
namespace {

XrayNet small_net() {
  CnnOptions o;
  o.widths = {4, 8};
  o.convs_per_block = 1;
  return XrayNet(make_cnn(o));
}

std::string temp_path(const std::string& name) { return (std::filesystem::temp_directory_path() / name).string(); }

TEST(Weights, ChannelsLastModuleIsSavedContiguousAndLoadsBack) {
  torch::manual_seed(1);
  XrayNet trained = small_net();
  use_channels_last(*trained);
  bool any_channels_last = false;
  for (const auto& p : trained->parameters()) any_channels_last |= p.dim() == 4 && !p.is_contiguous();
  ASSERT_TRUE(any_channels_last) << "the test must start from channels_last kernels";
  const std::string path = temp_path("xray-weights-test.pt");
  save_weights(*trained, path);

  // Loaded back: every tensor contiguous, on the CPU, equal to the trained one.
  XrayNet loaded = small_net();
  EXPECT_TRUE(load_weights(*loaded, path, torch::kCPU));
  const auto a = trained->named_parameters(), b = loaded->named_parameters();
  for (const auto& p : a) {
    const torch::Tensor& q = b[p.key()];
    EXPECT_TRUE(q.is_contiguous()) << p.key();
    EXPECT_TRUE(q.device().is_cpu()) << p.key();
    EXPECT_TRUE(torch::equal(p.value().contiguous(), q)) << p.key();
  }
  for (const auto& buffer : trained->named_buffers()) EXPECT_TRUE(torch::equal(buffer.value(), loaded->named_buffers()[buffer.key()]));
  // The same eval outputs.
  trained->eval(), loaded->eval();
  const torch::Tensor x = torch::randn({2, 1, 32, 32});
  EXPECT_TRUE(torch::allclose(trained->forward(x), loaded->forward(x), 1e-6, 1e-6));
  std::filesystem::remove(path);
}

TEST(Weights, FilesWithoutTheGateStillLoadAndSaySo) {
  torch::manual_seed(2);
  XrayNet old = small_net();
  const std::string path = temp_path("xray-weights-old.pt");
  {
    // An archive as torch::save(module) wrote it before the OOD buffers existed: without them.
    torch::serialize::OutputArchive pruned;
    for (const auto& p : old->named_parameters(false)) pruned.write(p.key(), p.value());
    for (const auto& child : old->named_children()) {
      torch::serialize::OutputArchive child_archive;
      save_weights(*child.value(), child_archive);
      pruned.write(child.key(), child_archive);
    }
    pruned.save_to(path);
  }
  XrayNet loaded = small_net();
  EXPECT_FALSE(load_weights(*loaded, path, torch::kCPU));  // loads, but has no gate statistics
  loaded->eval(), old->eval();
  const torch::Tensor x = torch::randn({1, 1, 32, 32});
  EXPECT_TRUE(torch::allclose(old->forward(x), loaded->forward(x)));
  std::filesystem::remove(path);
}

TEST(Weights, OodStatisticsTravelWithTheWeights) {
  torch::manual_seed(3);
  XrayNet net = small_net();
  std::vector<OodTap> taps;
  for (int dims : ood_tap_dims(net->spec())) {
    OodTap t;
    t.channels = dims;
    t.mean.assign(dims, 0.25f);
    t.whitening.assign(static_cast<std::size_t>(dims) * dims, 0.0f);
    for (int i = 0; i < dims; ++i) t.whitening[static_cast<std::size_t>(i) * dims + i] = 0.5f;
    taps.push_back(t);
  }
  net->set_ood(taps);
  const std::string path = temp_path("xray-weights-ood.pt");
  save_weights(*net, path);
  XrayNet loaded = small_net();
  EXPECT_TRUE(load_weights(*loaded, path, torch::kCPU));
  net->eval(), loaded->eval();
  const torch::Tensor x = torch::randn({3, 1, 32, 32});
  EXPECT_TRUE(torch::allclose(net->forward_with_ood(x).ood_score, loaded->forward_with_ood(x).ood_score));
  EXPECT_GT(loaded->forward_with_ood(x).ood_score.min().item<float>(), 0.0f);
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace xray
