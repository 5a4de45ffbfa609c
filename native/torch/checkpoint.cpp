#include "checkpoint.h"

#include <stdexcept>

#include "model_directory.h"
#include "xray/file_io.h"

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

void save_checkpoint(const std::string& path, XrayNet& net, XrayNet& average, torch::optim::Optimizer& optimizer,
                     const TrainingState& s) {
  torch::serialize::OutputArchive archive, model_archive, average_archive, optimizer_archive;
  save_weights(*net, model_archive);
  save_weights(*average, average_archive);
  // The optimizer's moments stay on the training device here; loading maps them (map_location).
  optimizer.save(optimizer_archive);
  archive.write("model", model_archive);
  archive.write("average", average_archive);
  archive.write("optimizer", optimizer_archive);
  archive.write("counters", torch::tensor({static_cast<std::int64_t>(s.epochs_done)}));
  archive.write("history", text_tensor(s.history_json));
  archive.write("fingerprint", text_tensor(s.fingerprint));
  const std::string tmp = temporary_path(path);
  archive.save_to(tmp);
  kill_point("checkpoint");  // kill tests: a half-done save must not cost the last checkpoint
  if (auto ok = commit_file(tmp, path); !ok) throw std::runtime_error(ok.error().message);
}

TrainingState load_checkpoint(const std::string& path, XrayNet& net, XrayNet& average, torch::optim::Optimizer& optimizer,
                              torch::Device device) {
  torch::serialize::InputArchive archive, model_archive, average_archive, optimizer_archive;
  // Every tensor lands on the training device, whichever device wrote the file.
  archive.load_from(path, device);
  archive.read("model", model_archive);
  archive.read("average", average_archive);
  archive.read("optimizer", optimizer_archive);
  load_weights(*net, model_archive, /*read_ood=*/false);
  load_weights(*average, average_archive, /*read_ood=*/false);
  optimizer.load(optimizer_archive);
  torch::Tensor counters, history, fingerprint;
  archive.read("counters", counters);
  archive.read("history", history);
  archive.read("fingerprint", fingerprint);
  TrainingState s;
  s.epochs_done = static_cast<int>(counters[0].item<std::int64_t>());
  s.history_json = tensor_text(history.cpu());
  s.fingerprint = tensor_text(fingerprint.cpu());
  return s;
}

}  // namespace xray
