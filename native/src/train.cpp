// xray train: data set -> patient split -> uint8 cache -> CNN -> best weights, threshold, card.
#include <torch/torch.h>
#include <torch/version.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "augment.h"
#include "checkpoint.h"
#include "classifier.h"
#include "cuda_speed.h"
#include "commands.h"
#include "dataset.h"
#include "export.h"
#include "image_cache.h"
#include "metrics.h"
#include "model.h"
#include "model_card.h"
#include "patient_split.h"
#include "progress.h"
#include "random.h"
#include "xray/file_io.h"
#include "xray/preprocess.h"

namespace xray {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

int fail(const std::string& message) {
  std::fprintf(stderr, "xray train: %s\n", message.c_str());
  return 1;
}

// Everything that must be the same for --resume to continue the same run.
std::string fingerprint(const TrainOptions& o, const ModelSpec& model) {
  return json{{"epochs", o.epochs}, {"image_size", o.image_size}, {"batch", o.batch}, {"seed", o.seed},
              {"val_fraction", o.val_fraction}, {"lr", o.learning_rate}, {"weight_decay", o.weight_decay},
              {"augment", o.augment}, {"max_per_class", o.max_per_class}, {"model", to_json(model)}}
      .dump();
}

std::string validate_options(const TrainOptions& o) {
  if (o.epochs < 1 || o.epochs > 10000) return "--epochs must be 1..10000";
  if (o.image_size < 16 || o.image_size > 1024) return "--image-size must be 16..1024";
  if (o.batch < 1 || o.batch > 4096) return "--batch must be 1..4096";
  if (!(o.val_fraction > 0.0 && o.val_fraction < 0.9)) return "--val-fraction must be above 0 and below 0.9";
  if (!(o.learning_rate > 0)) return "--lr must be above 0";
  if (o.widths.empty()) return "--widths needs at least one block";
  if (o.patience < 1) return "--patience must be at least 1";
  if (!(o.dropout >= 0.0 && o.dropout < 1.0)) return "--dropout must be in [0, 1)";
  return "";
}

// A stratified, deterministic subset: every k-th image of each class (quick runs and tests).
std::vector<Sample> subset_per_class(const std::vector<Sample>& samples, int max_per_class) {
  std::vector<Sample> out;
  for (Label label : {Label::kNormal, Label::kPneumonia}) {
    std::vector<const Sample*> of_class;
    for (const Sample& s : samples) {
      if (s.label == label) of_class.push_back(&s);
    }
    const std::size_t keep = std::min<std::size_t>(of_class.size(), max_per_class);
    for (std::size_t i = 0; i < keep; ++i) out.push_back(*of_class[i * of_class.size() / keep]);
  }
  return out;
}

// Learning rate: linear warm-up over the first epoch, then cosine decay to 2% of the peak.
double learning_rate_at(std::int64_t step, std::int64_t steps_per_epoch, std::int64_t total_steps, double peak) {
  const std::int64_t warmup = std::max<std::int64_t>(1, steps_per_epoch);
  if (step < warmup) return peak * (step + 1) / warmup;
  const double progress = static_cast<double>(step - warmup) / std::max<std::int64_t>(1, total_steps - warmup);
  return peak * (0.02 + 0.98 * 0.5 * (1 + std::cos(M_PI * std::min(1.0, progress))));
}

struct Data {
  torch::Tensor pixels;  // N x 1 x S x S uint8, on the training device
  torch::Tensor labels;  // N float (1 = PNEUMONIA), on the device
  std::vector<int> label_list;
  std::vector<std::int64_t> train, val;  // indices into pixels
};

// P(PNEUMONIA) for the given rows, normalized exactly as the shared library does (LUT).
std::vector<float> score(XrayNet& net, const Data& data, const std::vector<std::int64_t>& rows, const torch::Tensor& lut,
                         int batch, torch::Device device) {
  torch::NoGradGuard no_grad;
  net->eval();
  std::vector<float> out;
  for (std::size_t start = 0; start < rows.size(); start += batch) {
    const std::size_t end = std::min(rows.size(), start + batch);
    std::vector<std::int64_t> chunk(rows.begin() + start, rows.begin() + end);
    const torch::Tensor idx = torch::tensor(chunk, torch::kLong).to(device);
    const torch::Tensor x = lut.index({data.pixels.index_select(0, idx).to(torch::kLong)});
    const torch::Tensor p = torch::sigmoid(net->forward(x)).view({-1}).to(torch::kFloat32).cpu().contiguous();
    out.insert(out.end(), p.data_ptr<float>(), p.data_ptr<float>() + p.numel());
  }
  return out;
}

std::vector<int> labels_of(const Data& data, const std::vector<std::int64_t>& rows) {
  std::vector<int> out;
  for (std::int64_t r : rows) out.push_back(data.label_list[r]);
  return out;
}

void write_log(const std::string& path, const json& history) {
  std::string text;
  for (const json& line : history) text += line.dump() + "\n";
  auto ok = write_file_atomic(path, text.data(), text.size());
  if (!ok) std::fprintf(stderr, "warning: %s\n", ok.error().message.c_str());
}

}  // namespace

int run_train(const TrainOptions& o) {
  const auto process_start = std::chrono::steady_clock::now();
  if (auto bad = validate_options(o); !bad.empty()) return fail(bad);
  auto device_name = resolve_device(o.device);
  if (!device_name) return fail(device_name.error().message);
  const torch::Device device(*device_name == "cuda" ? torch::kCUDA : torch::kCPU);
  const int threads = o.threads > 0 ? o.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  torch::set_num_threads(threads);

  std::error_code ec;
  fs::create_directories(o.out_dir, ec);
  if (ec || !fs::is_directory(o.out_dir)) return fail(o.out_dir + ": cannot create the model directory (" + ec.message() + ")");
  const std::string checkpoint_path = (fs::path(o.out_dir) / "checkpoint.pt").string();
  const std::string weights_path = (fs::path(o.out_dir) / "model.pt").string();
  const std::string log_path = (fs::path(o.out_dir) / "train_log.jsonl").string();
  if (!o.resume) {
    // A fresh run must never end up with an older run's weights or card in the same folder.
    for (const char* stale : {"model.pt", "model.json", "model.onnx", "checkpoint.pt"}) fs::remove(fs::path(o.out_dir) / stale, ec);
  }
  if (o.resume && !fs::exists(checkpoint_path)) return fail("--resume: no checkpoint in " + o.out_dir + " (checkpoint.pt); start without --resume");

  // Data: the train split, carved into train and validation by patient.
  ScanOptions scan_options;
  scan_options.splits = {"train"};
  scan_options.check_contents = false;  // decoding below reports every bad file anyway
  auto scan = scan_dataset(o.data_dir, scan_options);
  if (!scan) return fail(scan.error().message);
  for (const auto& s : scan->skipped) std::fprintf(stderr, "skipped %s: %s\n", s.path.c_str(), s.reason.c_str());
  std::vector<Sample> samples = scan->samples;
  if (o.max_per_class > 0) samples = subset_per_class(samples, o.max_per_class);
  if (samples.empty()) return fail(o.data_dir + ": no training images found under train/NORMAL or train/PNEUMONIA");

  PreprocessSpec spec;
  spec.width = spec.height = o.image_size;
  std::vector<std::string> paths;
  for (const Sample& s : samples) paths.push_back(s.path);
  CacheOptions cache_options;
  cache_options.threads = threads;
  cache_options.cache_dir = o.cache_dir;
  const ImageCache cache = build_image_cache(paths, spec, cache_options);
  for (const auto& f : cache.failed) std::fprintf(stderr, "skipped %s: %s\n", f.path.c_str(), f.reason.c_str());

  std::vector<Sample> usable;
  for (std::size_t i : cache.source) usable.push_back(samples[i]);
  auto split = split_by_patient(usable, o.val_fraction, o.seed);
  if (!split) return fail(split.error().message);
  Data data;
  for (const Sample& s : usable) data.label_list.push_back(s.label == Label::kPneumonia ? 1 : 0);
  data.train.assign(split->train.begin(), split->train.end());
  data.val.assign(split->val.begin(), split->val.end());
  auto count_class = [&](const std::vector<std::int64_t>& rows, int label) {
    return static_cast<std::int64_t>(std::count_if(rows.begin(), rows.end(), [&](std::int64_t r) { return data.label_list[r] == label; }));
  };
  const std::int64_t train_pos = count_class(data.train, 1), train_neg = count_class(data.train, 0);
  const std::int64_t val_pos = count_class(data.val, 1), val_neg = count_class(data.val, 0);
  if (train_pos == 0 || train_neg == 0 || val_pos == 0 || val_neg == 0) {
    return fail("both classes are needed on both sides of the split; found train " + std::to_string(train_neg) + " NORMAL / " +
                std::to_string(train_pos) + " PNEUMONIA, validation " + std::to_string(val_neg) + " / " + std::to_string(val_pos));
  }

  // Normalization from the training images only (not validation), rounded so the card reads well.
  std::vector<std::size_t> train_images(data.train.begin(), data.train.end());
  const auto [mean, std_dev] = pixel_mean_std(cache, train_images);
  spec.mean = static_cast<float>(std::round(mean * 1e4) / 1e4);
  spec.std = static_cast<float>(std::round(std_dev * 1e4) / 1e4);
  const auto table = normalization_table(spec);
  const torch::Tensor lut = torch::from_blob(const_cast<float*>(table.data()), {256}, torch::kFloat32).clone().to(device);

  const std::int64_t n = static_cast<std::int64_t>(cache.count());
  data.pixels = torch::from_blob(const_cast<std::uint8_t*>(cache.pixels.data()), {n, 1, spec.height, spec.width}, torch::kUInt8).clone().to(device);
  data.labels = torch::tensor(data.label_list, torch::kFloat32).to(device);

  CnnOptions cnn;
  cnn.widths = o.widths;
  cnn.convs_per_block = o.convs_per_block;
  cnn.batch_norm = o.batch_norm;
  cnn.dropout = o.dropout;
  auto checked_spec = validate(make_cnn(cnn));
  if (!checked_spec) return fail(checked_spec.error().message);
  const ModelSpec model_spec = *checked_spec;
  torch::manual_seed(o.seed);
  XrayNet net(model_spec);
  net->to(device);
  const bool cuda = device.is_cuda();
  if (cuda) use_channels_last(*net);
  torch::optim::AdamW optimizer(net->parameters(), torch::optim::AdamWOptions(o.learning_rate).weight_decay(o.weight_decay));
  // Class imbalance: the loss weighs each PNEUMONIA image by NORMAL/PNEUMONIA (about 1/3 here),
  // so both classes pull equally.
  const torch::Tensor pos_weight = torch::tensor({static_cast<float>(train_neg) / train_pos}).to(device);

  TrainingState state;
  state.fingerprint = fingerprint(o, model_spec);
  if (o.resume) {
    try {
      state = load_checkpoint(checkpoint_path, net, optimizer);
    } catch (const std::exception& e) {
      return fail(checkpoint_path + ": cannot read the checkpoint (" + std::string(e.what()).substr(0, 160) + ")");
    }
    if (state.fingerprint != fingerprint(o, model_spec)) {
      return fail("--resume: the checkpoint in " + o.out_dir + " was made with other settings (epochs, size, batch, seed, "
                  "model...); rerun with the same flags, or without --resume to start over");
    }
    std::printf("resuming after epoch %d of %d (best validation AUC %.4f at epoch %d)\n", state.epochs_done, o.epochs,
                state.best_auc, state.best_epoch);
  }
  json history = json::parse(state.history_json);
  write_log(log_path, history);

  std::printf("train: %lld images (%lld NORMAL, %lld PNEUMONIA), validation: %lld images (%lld NORMAL, %lld PNEUMONIA), "
              "by patient, seed %llu\n",
              (long long)data.train.size(), (long long)train_neg, (long long)train_pos, (long long)data.val.size(),
              (long long)val_neg, (long long)val_pos, (unsigned long long)o.seed);
  std::printf("model: %s, %lld parameters, input %dx%d, device %s, %d threads\n", describe(model_spec).c_str(),
              parameter_count(model_spec), spec.width, spec.height, device_name->c_str(), threads);
  std::fflush(stdout);

  const std::int64_t steps_per_epoch = (static_cast<std::int64_t>(data.train.size()) + o.batch - 1) / o.batch;
  const std::int64_t total_steps = steps_per_epoch * o.epochs;
  const AugmentOptions augment;
  double train_seconds = 0;
  for (const json& h : history) train_seconds += h.value("seconds", 0.0);

  for (int epoch = state.epochs_done + 1; epoch <= o.epochs; ++epoch) {
    // Everything random in an epoch derives from (seed, epoch): a resumed run repeats it exactly.
    torch::manual_seed(o.seed * 1000003ull + epoch);
    std::vector<std::int64_t> order = data.train;
    deterministic_shuffle(order, o.seed * 7919ull + epoch);
    net->train();
    Progress progress("epoch " + std::to_string(epoch) + "/" + std::to_string(o.epochs), static_cast<std::int64_t>(order.size()));
    // The running loss stays on the device and is read only every 16 steps: on CUDA a read
    // waits for the GPU, and a wait per batch would cost more than the batch.
    torch::Tensor loss_total = torch::zeros({}, torch::TensorOptions().dtype(torch::kFloat64).device(device));
    double loss_sum = 0;
    std::int64_t seen = 0;
    for (std::int64_t step = 0; step < steps_per_epoch; ++step) {
      const double lr = learning_rate_at((epoch - 1) * steps_per_epoch + step, steps_per_epoch, total_steps, o.learning_rate);
      for (auto& group : optimizer.param_groups()) static_cast<torch::optim::AdamWOptions&>(group.options()).lr(lr);
      const std::size_t begin = step * o.batch, end = std::min(order.size(), begin + o.batch);
      const torch::Tensor idx = torch::tensor(std::vector<std::int64_t>(order.begin() + begin, order.begin() + end), torch::kLong).to(device);
      torch::Tensor x = data.pixels.index_select(0, idx).to(torch::kFloat32).div_(255.0f);
      if (o.augment) x = augment_batch(x, augment);
      x = (x - spec.mean) / spec.std;
      if (cuda) x = x.contiguous(torch::MemoryFormat::ChannelsLast);
      const torch::Tensor y = data.labels.index_select(0, idx);
      torch::Tensor logits;
      {
        CudaAutocast autocast(cuda);
        logits = net->forward(x).view({-1}).to(torch::kFloat32);
      }
      const torch::Tensor loss = torch::nn::functional::binary_cross_entropy_with_logits(
          logits, y, torch::nn::functional::BinaryCrossEntropyWithLogitsFuncOptions().pos_weight(pos_weight));
      optimizer.zero_grad();
      loss.backward();
      optimizer.step();
      loss_total += loss.detach().to(torch::kFloat64) * static_cast<double>(end - begin);
      seen += static_cast<std::int64_t>(end - begin);
      if (step % 16 == 15) {
        loss_sum = loss_total.item<double>();
        char suffix[48];
        std::snprintf(suffix, sizeof suffix, "loss %.4f", loss_sum / seen);
        progress.update(seen, suffix);
      }
    }
    loss_sum = loss_total.item<double>();
    char suffix[48];
    std::snprintf(suffix, sizeof suffix, "loss %.4f", loss_sum / seen);
    const double epoch_seconds = progress.finish(suffix);
    train_seconds += epoch_seconds;

    const std::vector<float> val_scores = score(net, data, data.val, lut, 256, device);
    const BinaryMetrics m = compute_metrics(val_scores, labels_of(data, data.val), 0.5);
    const bool improved = m.roc_auc > state.best_auc + 1e-6;
    std::printf("epoch %d/%d  train loss %.4f  val loss %.4f  %s  lr %.2e  %.0f img/s%s\n", epoch, o.epochs, loss_sum / seen,
                m.log_loss, summary_line(m).c_str(), learning_rate_at(epoch * steps_per_epoch - 1, steps_per_epoch, total_steps, o.learning_rate),
                seen / epoch_seconds, improved ? "  (best)" : "");
    std::fflush(stdout);
    history.push_back({{"epoch", epoch}, {"train_loss", loss_sum / seen}, {"val_loss", m.log_loss}, {"val_auc", m.roc_auc},
                       {"val_accuracy_at_0.5", m.accuracy}, {"seconds", epoch_seconds}, {"images_per_second", seen / epoch_seconds}});
    write_log(log_path, history);

    state.epochs_done = epoch;
    if (improved) {
      state.best_auc = m.roc_auc;
      state.best_epoch = epoch;
      state.epochs_without_gain = 0;
      const std::string tmp = weights_path + ".tmp-" + std::to_string(getpid());
      torch::save(net, tmp);
      fs::rename(tmp, weights_path);
    } else {
      ++state.epochs_without_gain;
    }
    state.history_json = history.dump();
    save_checkpoint(checkpoint_path, net, optimizer, state);
    if (o.stop_after_epoch > 0 && epoch >= o.stop_after_epoch && epoch < o.epochs) {
      std::printf("stopped after epoch %d as asked (--stop-after-epoch); continue with the same flags and --resume\n", epoch);
      return 0;
    }
    if (state.epochs_without_gain >= o.patience) {
      std::printf("early stop: no better validation AUC for %d epochs\n", o.patience);
      break;
    }
  }

  if (state.best_epoch < 0) {
    return fail("validation ROC AUC was undefined in every epoch (the network's outputs were not numbers: training "
                "diverged); try a lower --lr");
  }
  // The best epoch's weights, the threshold chosen on validation, and the model card.
  torch::load(net, weights_path);
  net->to(device);
  const std::vector<float> val_scores = score(net, data, data.val, lut, 256, device);
  const std::vector<int> val_labels = labels_of(data, data.val);
  const double threshold = choose_threshold_youden(val_scores, val_labels);
  const BinaryMetrics final_metrics = compute_metrics(val_scores, val_labels, threshold);

  TrainingRecord record;
  record.options = o;
  record.spec = spec;
  record.model = model_spec;
  record.threshold = threshold;
  record.validation = final_metrics;
  record.best_epoch = state.best_epoch;
  record.epochs_run = state.epochs_done;
  record.history = history;
  record.device = *device_name;
  record.torch_version = std::to_string(TORCH_VERSION_MAJOR) + "." + std::to_string(TORCH_VERSION_MINOR) + "." + std::to_string(TORCH_VERSION_PATCH);
  record.train_seconds = train_seconds;
  record.data_root_name = fs::path(scan->root).filename().string();
  record.train_counts = {train_neg, train_pos};
  record.val_counts = {val_neg, val_pos};
  record.skipped_files = static_cast<std::int64_t>(scan->skipped.size() + cache.failed.size());
  auto written = write_model_card(o.out_dir, record);
  if (!written) return fail(written.error().message);

  ExportOptions export_options;
  export_options.model_dir = o.out_dir;
  auto onnx = export_model_onnx(export_options);
  if (!onnx) return fail(onnx.error().message);

  const double total = std::chrono::duration<double>(std::chrono::steady_clock::now() - process_start).count();
  std::printf("best epoch %d; threshold %.4f (Youden's J on validation)\nvalidation at the threshold: %s\n", state.best_epoch,
              threshold, summary_line(final_metrics).c_str());
  std::printf("wrote %s/model.pt, model.onnx and model.json in %s (training %s)\n", o.out_dir.c_str(), format_duration(total).c_str(),
              format_duration(train_seconds).c_str());
  return 0;
}

}  // namespace xray
