#include "multi_tensor_step.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

namespace xray {
namespace {

// The key under which torch::optim keeps a parameter's state: the TensorImpl's address, as text
// in LibTorch 1.x and as the pointer itself in later versions; whichever this LibTorch uses.
template <typename Map>
typename Map::key_type state_key(const torch::Tensor& p) {
  void* impl = p.unsafeGetTensorImpl();
  if constexpr (std::is_same_v<typename Map::key_type, std::string>) {
    std::ostringstream text;  // what c10::guts::to_string(void*) writes
    text << impl;
    return text.str();
  } else {
    return static_cast<typename Map::key_type>(impl);
  }
}

}  // namespace

void adamw_step(torch::optim::AdamW& optimizer) {
  torch::NoGradGuard no_grad;
  auto& states = optimizer.state();
  using Map = std::remove_reference_t<decltype(states)>;
  // The arithmetic below takes one step count per group and no amsgrad: anything else (not used by
  // this trainer) goes to LibTorch's own step, for every group, before any state changes.
  for (auto& group : optimizer.param_groups()) {
    if (static_cast<torch::optim::AdamWOptions&>(group.options()).amsgrad()) return void(optimizer.step());
    std::int64_t step = -1;
    for (auto& p : group.params()) {
      if (!p.grad().defined()) continue;
      auto found = states.find(state_key<Map>(p));
      const std::int64_t s = found == states.end() ? 0 : static_cast<torch::optim::AdamWParamState&>(*found->second).step();
      if (step >= 0 && s != step) return void(optimizer.step());
      step = s;
    }
  }
  for (auto& group : optimizer.param_groups()) {
    auto& o = static_cast<torch::optim::AdamWOptions&>(group.options());
    std::vector<torch::Tensor> params, grads, exp_avgs, exp_avg_sqs;
    std::int64_t step = 0;
    for (auto& p : group.params()) {
      if (!p.grad().defined()) continue;
      const auto key = state_key<Map>(p);
      auto found = states.find(key);
      if (found == states.end()) {
        auto fresh = std::make_unique<torch::optim::AdamWParamState>();
        fresh->step(0);
        fresh->exp_avg(torch::zeros_like(p, torch::MemoryFormat::Preserve));
        fresh->exp_avg_sq(torch::zeros_like(p, torch::MemoryFormat::Preserve));
        states[key] = std::move(fresh);
        found = states.find(key);
      }
      auto& s = static_cast<torch::optim::AdamWParamState&>(*found->second);
      s.step(s.step() + 1);
      step = s.step();  // the same for every parameter of the group (checked above)
      params.push_back(p);
      grads.push_back(p.grad());
      exp_avgs.push_back(s.exp_avg());
      exp_avg_sqs.push_back(s.exp_avg_sq());
    }
    if (params.empty()) continue;
    const double beta1 = std::get<0>(o.betas()), beta2 = std::get<1>(o.betas());
    const double bias_correction1 = 1 - std::pow(beta1, static_cast<double>(step));
    const double bias_correction2 = 1 - std::pow(beta2, static_cast<double>(step));
    if (o.weight_decay() != 0) at::_foreach_mul_(params, at::Scalar(1 - o.lr() * o.weight_decay()));
    at::_foreach_mul_(exp_avgs, at::Scalar(beta1));
    at::_foreach_add_(exp_avgs, grads, at::Scalar(1 - beta1));
    at::_foreach_mul_(exp_avg_sqs, at::Scalar(beta2));
    at::_foreach_addcmul_(exp_avg_sqs, grads, grads, at::Scalar(1 - beta2));
    std::vector<torch::Tensor> denominators = at::_foreach_sqrt(exp_avg_sqs);
    at::_foreach_div_(denominators, at::Scalar(std::sqrt(bias_correction2)));
    at::_foreach_add_(denominators, at::Scalar(o.eps()));
    at::_foreach_addcdiv_(params, exp_avgs, denominators, at::Scalar(-o.lr() / bias_correction1));
  }
}

void update_average(XrayNet& average, XrayNet& net, double decay, std::int64_t step) {
  torch::NoGradGuard no_grad;
  const double d = std::min(decay, (1.0 + step) / (10.0 + step));
  std::vector<torch::Tensor> kept, current;
  for (auto [a, p] : {std::pair{average->parameters(), net->parameters()}, std::pair{average->buffers(), net->buffers()}}) {
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (a[i].is_floating_point()) {
        kept.push_back(a[i]);
        current.push_back(p[i].detach());
      } else {
        a[i].copy_(p[i]);
      }
    }
  }
  at::_foreach_mul_(kept, at::Scalar(d));
  at::_foreach_add_(kept, current, at::Scalar(1 - d));
}

}  // namespace xray
