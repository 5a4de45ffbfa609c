// The trainer's multi-tensor AdamW step and weight average (native/torch/multi_tensor_step.h) must
// be the arithmetic they replace: on the CPU, bit for bit equal to LibTorch's AdamW and to the
// per-tensor average, with AdamW's state kept where AdamW keeps it (so checkpoints still hold it).
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <functional>
#include <memory>
#include <vector>

#include "model.h"
#include "multi_tensor_step.h"

namespace xray {
namespace {

XrayNet small_net(std::uint64_t seed) {
  torch::manual_seed(seed);
  CnnOptions o;
  o.widths = {4, 8};
  o.convs_per_block = 2;
  return XrayNet(make_cnn(o));
}

// One step's gradients, the same for both networks: a loss on a fixed random batch.
void backward_on_batch(XrayNet& net, int step) {
  torch::manual_seed(1000 + step);
  const torch::Tensor x = torch::randn({6, 1, 32, 32});
  const torch::Tensor y = torch::randint(0, 2, {6}).to(torch::kFloat32);
  net->train();
  const torch::Tensor loss = torch::nn::functional::binary_cross_entropy_with_logits(net->forward(x).view({-1}), y);
  loss.backward();
}

void expect_same_parameters(XrayNet& a, XrayNet& b) {
  const auto pa = a->named_parameters(), pb = b->named_parameters();
  ASSERT_EQ(pa.size(), pb.size());
  for (const auto& p : pa) EXPECT_TRUE(torch::equal(p.value(), pb[p.key()])) << p.key();
}

using StepFunction = std::function<void(torch::optim::AdamW&, int step)>;

struct Trained {
  XrayNet net;
  std::unique_ptr<torch::optim::AdamW> optimizer;
};

// Trains a fresh net for `steps` steps, each finished by `step_with`.
Trained train(int steps, const StepFunction& step_with) {
  Trained t{small_net(7), nullptr};
  t.optimizer = std::make_unique<torch::optim::AdamW>(t.net->parameters(), torch::optim::AdamWOptions(3e-3).weight_decay(0.05));
  for (int step = 0; step < steps; ++step) {
    t.optimizer->zero_grad();
    backward_on_batch(t.net, step);
    static_cast<torch::optim::AdamWOptions&>(t.optimizer->param_groups()[0].options()).lr(3e-3 * (1 + step) / steps);
    step_with(*t.optimizer, step);
  }
  return t;
}

TEST(MultiTensorStep, AdamWEqualsLibTorchAdamWBitForBit) {
  Trained reference = train(6, [](torch::optim::AdamW& o, int) { o.step(); });
  Trained multi = train(6, [](torch::optim::AdamW& o, int) { adamw_step(o); });
  expect_same_parameters(reference.net, multi.net);
}

TEST(MultiTensorStep, KeepsTheStateWhereAdamWKeepsIt) {
  // Three multi-tensor steps then three of LibTorch's: the same as six of LibTorch's only if
  // LibTorch's steps found the moments and step counts the multi-tensor ones left.
  Trained mixed = train(6, [](torch::optim::AdamW& o, int step) {
    if (step < 3) {
      adamw_step(o);
    } else {
      o.step();
    }
  });
  Trained reference = train(6, [](torch::optim::AdamW& o, int) { o.step(); });
  expect_same_parameters(reference.net, mixed.net);
  EXPECT_EQ(mixed.optimizer->state().size(), mixed.net->parameters().size());
}

TEST(MultiTensorStep, SkipsParametersWithoutGradient) {
  XrayNet net = small_net(3);
  torch::optim::AdamW optimizer(net->parameters(), torch::optim::AdamWOptions(1e-2).weight_decay(0.1));
  const std::vector<torch::Tensor> before = [&] {
    std::vector<torch::Tensor> copies;
    for (const auto& p : net->parameters()) copies.push_back(p.detach().clone());
    return copies;
  }();
  adamw_step(optimizer);  // no backward yet: no gradient anywhere, nothing may change
  const auto after = net->parameters();
  for (std::size_t i = 0; i < after.size(); ++i) EXPECT_TRUE(torch::equal(after[i], before[i]));
  EXPECT_EQ(optimizer.state().size(), 0u);
}

TEST(MultiTensorStep, AverageEqualsThePerTensorAverage) {
  XrayNet net = small_net(5), average = small_net(6), expected = small_net(6);
  backward_on_batch(net, 0);  // moves batch norm's running statistics and its counter
  for (const std::int64_t step : {0, 5, 5000}) {
    update_average(average, net, 0.998, step);
    torch::NoGradGuard no_grad;
    const double d = std::min(0.998, (1.0 + step) / (10.0 + step));
    auto e = expected->parameters(), p = net->parameters();
    for (std::size_t i = 0; i < e.size(); ++i) e[i].mul_(d).add_(p[i], 1 - d);
    auto eb = expected->buffers(), pb = net->buffers();
    for (std::size_t i = 0; i < eb.size(); ++i) {
      if (eb[i].is_floating_point()) {
        eb[i].mul_(d).add_(pb[i], 1 - d);
      } else {
        eb[i].copy_(pb[i]);
      }
    }
  }
  expect_same_parameters(expected, average);
  const auto ab = average->buffers(), eb = expected->buffers();
  for (std::size_t i = 0; i < ab.size(); ++i) EXPECT_TRUE(torch::equal(ab[i], eb[i]));
}

}  // namespace
}  // namespace xray
