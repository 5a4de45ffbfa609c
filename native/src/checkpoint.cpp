#include "checkpoint.h"

#include <filesystem>
#include <unistd.h>

namespace xray {
namespace {

torch::Tensor text_tensor(const std::string& text) {
  return torch::from_blob(const_cast<char*>(text.data()), {static_cast<std::int64_t>(text.size())}, torch::kUInt8).clone();
}

std::string tensor_text(const torch::Tensor& t) {
  const torch::Tensor c = t.contiguous();
  return std::string(reinterpret_cast<const char*>(c.data_ptr<std::uint8_t>()), static_cast<std::size_t>(c.numel()));
}

}  // namespace

void save_checkpoint(const std::string& path, XrayNet& net, torch::optim::Optimizer& optimizer, const TrainingState& s) {
  torch::serialize::OutputArchive archive, model_archive, optimizer_archive;
  net->save(model_archive);
  optimizer.save(optimizer_archive);
  archive.write("model", model_archive);
  archive.write("optimizer", optimizer_archive);
  archive.write("counters", torch::tensor({static_cast<std::int64_t>(s.epochs_done), static_cast<std::int64_t>(s.best_epoch),
                                           static_cast<std::int64_t>(s.epochs_without_gain)}));
  archive.write("best_auc", torch::tensor({s.best_auc}, torch::kFloat64));
  archive.write("history", text_tensor(s.history_json));
  archive.write("fingerprint", text_tensor(s.fingerprint));
  const std::string tmp = path + ".tmp-" + std::to_string(getpid());
  archive.save_to(tmp);
  std::filesystem::rename(tmp, path);
}

TrainingState load_checkpoint(const std::string& path, XrayNet& net, torch::optim::Optimizer& optimizer) {
  torch::serialize::InputArchive archive, model_archive, optimizer_archive;
  archive.load_from(path);
  archive.read("model", model_archive);
  archive.read("optimizer", optimizer_archive);
  net->load(model_archive);
  optimizer.load(optimizer_archive);
  torch::Tensor counters, best_auc, history, fingerprint;
  archive.read("counters", counters);
  archive.read("best_auc", best_auc);
  archive.read("history", history);
  archive.read("fingerprint", fingerprint);
  TrainingState s;
  s.epochs_done = static_cast<int>(counters[0].item<std::int64_t>());
  s.best_epoch = static_cast<int>(counters[1].item<std::int64_t>());
  s.epochs_without_gain = static_cast<int>(counters[2].item<std::int64_t>());
  s.best_auc = best_auc[0].item<double>();
  s.history_json = tensor_text(history);
  s.fingerprint = tensor_text(fingerprint);
  return s;
}

}  // namespace xray
