// xray train: data set -> patient split -> uint8 cache -> CNN -> averaged weights, calibration,
// threshold, out-of-distribution statistics, card, ONNX. run_train reads as the list of steps.
#include <torch/torch.h>
#include <torch/version.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>

#include "augment.h"
#include "checkpoint.h"
#include "classifier.h"
#include "cuda_speed.h"
#include "cuda_warmup.h"
#include "dataset.h"
#include "export.h"
#include "image_cache.h"
#include "inference.h"
#include "metrics.h"
#include "model.h"
#include "model_card.h"
#include "model_directory.h"
#include "multi_tensor_step.h"
#include "ood_fit.h"
#include "operating_point.h"
#include "patient_split.h"
#include "progress.h"
#include "random.h"
#include "train.h"
#include "xray/file_io.h"
#include "xray/preprocess.h"

namespace xray {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// A step that cannot go on: its message becomes "xray train: ..." and exit status 1.
struct TrainError {
  std::string message;
};

int fail(const std::string& message) {
  std::fprintf(stderr, "xray train: %s\n", message.c_str());
  return 1;
}

// Everything that must be the same for --resume to continue the same run. The device is not in
// it: a run may continue on another device.
std::string fingerprint(const TrainOptions& o, const ModelSpec& model) {
  return json{{"epochs", o.epochs}, {"image_size", o.image_size}, {"batch", o.batch}, {"seed", o.seed},
              {"val_fraction", o.val_fraction}, {"lr", o.learning_rate}, {"weight_decay", o.weight_decay},
              {"augment", o.augment}, {"label_smoothing", o.label_smoothing}, {"ema_decay", o.ema_decay},
              {"max_per_class", o.max_per_class}, {"model", to_json(model)}}
      .dump();
}

std::string validate_options(const TrainOptions& o) {
  if (o.epochs < 1 || o.epochs > 10000) return "--epochs must be 1..10000";
  if (o.image_size < 16 || o.image_size > 1024) return "--image-size must be 16..1024";
  if (o.batch < 1 || o.batch > 4096) return "--batch must be 1..4096";
  if (!(o.val_fraction > 0.0 && o.val_fraction < 0.9)) return "--val-fraction must be above 0 and below 0.9";
  if (!(o.learning_rate > 0)) return "--lr must be above 0";
  if (o.widths.empty()) return "--widths needs at least one block";
  if (!(o.dropout >= 0.0 && o.dropout < 1.0)) return "--dropout must be in [0, 1)";
  if (!(o.label_smoothing >= 0.0 && o.label_smoothing < 0.5)) return "--label-smoothing must be in [0, 0.5)";
  if (!(o.ema_decay >= 0.0 && o.ema_decay < 1.0)) return "--ema-decay must be in [0, 1)";
  if (o.augment != "none" && o.augment != "light" && o.augment != "strong") return "--augment must be none, light or strong";
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
  PreprocessSpec spec;
  torch::Tensor pixels;  // N x 1 x S x S uint8, on the training device
  torch::Tensor labels;  // N float (1 = PNEUMONIA), on the device
  torch::Tensor lut;     // the shared library's normalization table, on the device
  std::vector<int> label_list;
  std::vector<std::string> paths;        // relative to the data folder, parallel to label_list
  std::vector<std::int64_t> train, val;  // indices into pixels
  std::int64_t train_neg = 0, train_pos = 0, val_neg = 0, val_pos = 0;
  std::string root_name;
  DataProvenance provenance;
  std::int64_t skipped = 0;
};

std::vector<int> labels_of(const Data& data, const std::vector<std::int64_t>& rows) {
  std::vector<int> out;
  for (std::int64_t r : rows) out.push_back(data.label_list[r]);
  return out;
}

// Rows of the cache, normalized, `begin..end` of `rows`.
InputBatch rows_input(const Data& data, const std::vector<std::int64_t>& rows) {
  return [&data, &rows](std::int64_t begin, std::int64_t end) {
    std::vector<std::int64_t> chunk(rows.begin() + begin, rows.begin() + end);
    const torch::Tensor idx = torch::tensor(chunk, torch::kLong).to(data.pixels.device());
    return normalize_pixels(data.pixels.index_select(0, idx), data.lut);
  };
}

// Step 1: the train split, decoded once into the cache, carved into train and validation by patient.
Data load_data(const TrainOptions& o, int threads) {
  ScanOptions scan_options;
  scan_options.splits = {"train"};
  scan_options.check_contents = false;  // decoding below reports every bad file anyway
  auto scan = scan_dataset(o.data_dir, scan_options);
  if (!scan) throw TrainError{scan.error().message};
  for (const auto& s : scan->skipped) std::fprintf(stderr, "skipped %s: %s\n", s.path.c_str(), s.reason.c_str());
  std::vector<Sample> samples = scan->samples;
  if (o.max_per_class > 0) samples = subset_per_class(samples, o.max_per_class);
  if (samples.empty()) throw TrainError{o.data_dir + ": no training images found under train/NORMAL or train/PNEUMONIA"};

  Data data;
  std::vector<std::string> image_paths;
  for (const Sample& s : scan->samples) image_paths.push_back(s.path);
  auto provenance = describe_data_source(scan->root, image_paths);  // before the long decode
  if (!provenance) throw TrainError{provenance.error().message};
  data.provenance = *provenance;
  data.spec.width = data.spec.height = o.image_size;
  std::vector<std::string> paths;
  for (const Sample& s : samples) paths.push_back(s.path);
  CacheOptions cache_options;
  cache_options.threads = threads;
  cache_options.cache_dir = o.cache_dir;
  const ImageCache cache = build_image_cache(paths, data.spec, cache_options);
  for (const auto& f : cache.failed) std::fprintf(stderr, "skipped %s: %s\n", f.path.c_str(), f.reason.c_str());

  std::vector<Sample> usable;
  for (std::size_t i : cache.source) usable.push_back(samples[i]);
  auto split = split_by_patient(usable, o.val_fraction, o.seed);
  if (!split) throw TrainError{split.error().message};
  for (const Sample& s : usable) {
    data.label_list.push_back(s.label == Label::kPneumonia ? 1 : 0);
    data.paths.push_back(fs::path(s.path).lexically_relative(scan->root).generic_string());
  }
  data.train.assign(split->train.begin(), split->train.end());
  data.val.assign(split->val.begin(), split->val.end());
  auto count_class = [&](const std::vector<std::int64_t>& rows, int label) {
    return static_cast<std::int64_t>(std::count_if(rows.begin(), rows.end(), [&](std::int64_t r) { return data.label_list[r] == label; }));
  };
  data.train_pos = count_class(data.train, 1), data.train_neg = count_class(data.train, 0);
  data.val_pos = count_class(data.val, 1), data.val_neg = count_class(data.val, 0);
  if (data.train_pos == 0 || data.train_neg == 0 || data.val_pos == 0 || data.val_neg == 0) {
    throw TrainError{"both classes are needed on both sides of the split; found train " + std::to_string(data.train_neg) +
                     " NORMAL / " + std::to_string(data.train_pos) + " PNEUMONIA, validation " + std::to_string(data.val_neg) +
                     " / " + std::to_string(data.val_pos)};
  }
  data.root_name = folder_name(scan->root);
  data.skipped = static_cast<std::int64_t>(scan->skipped.size() + cache.failed.size());

  // Normalization from the training images only (not validation), rounded so the card reads well.
  std::vector<std::size_t> train_images(data.train.begin(), data.train.end());
  const auto [mean, std_dev] = pixel_mean_std(cache, train_images);
  data.spec.mean = static_cast<float>(std::round(mean * 1e4) / 1e4);
  data.spec.std = static_cast<float>(std::round(std_dev * 1e4) / 1e4);
  const std::int64_t n = static_cast<std::int64_t>(cache.count());
  data.pixels = torch::from_blob(const_cast<std::uint8_t*>(cache.pixels.data()), {n, 1, data.spec.height, data.spec.width}, torch::kUInt8)
                    .clone();
  data.labels = torch::tensor(data.label_list, torch::kFloat32);
  return data;
}

// The weights' moving average, updated after every step. The decay ramps up over the first
// steps ((1 + t) / (10 + t)) so that the average is not dominated by the random initialisation.
void write_log(const std::string& path, const json& history) {
  std::string text;
  for (const json& line : history) text += line.dump() + "\n";
  auto ok = write_file_atomic(path, text.data(), text.size());
  if (!ok) std::fprintf(stderr, "warning: %s\n", ok.error().message.c_str());
}

struct Run {
  const TrainOptions& o;
  torch::Device device;
  std::string device_name;
  fs::path out;
  Data data;
  ModelSpec model_spec;
  XrayNet net{nullptr}, average{nullptr};
  std::unique_ptr<torch::optim::AdamW> optimizer;
  TrainingState state;
  json history = json::array();
  double train_seconds = 0;
};

Expected<ModelSpec> network_spec(const TrainOptions& o) {
  CnnOptions cnn;
  cnn.widths = o.widths;
  cnn.convs_per_block = o.convs_per_block;
  cnn.batch_norm = o.batch_norm;
  cnn.dropout = o.dropout;
  return validate(make_cnn(cnn));
}

// Step 2: the network, its moving average and the optimizer; a checkpoint when resuming.
void build_model(Run& r) {
  auto checked = network_spec(r.o);
  if (!checked) throw TrainError{checked.error().message};
  r.model_spec = *checked;
  torch::manual_seed(r.o.seed);
  r.net = XrayNet(r.model_spec);
  r.average = XrayNet(r.model_spec);
  r.net->to(r.device);
  r.average->to(r.device);
  {
    torch::NoGradGuard no_grad;
    auto a = r.average->parameters(), p = r.net->parameters();
    for (std::size_t i = 0; i < a.size(); ++i) a[i].copy_(p[i]);
  }
  r.optimizer = std::make_unique<torch::optim::AdamW>(r.net->parameters(), torch::optim::AdamWOptions(r.o.learning_rate).weight_decay(r.o.weight_decay));
  r.state.fingerprint = fingerprint(r.o, r.model_spec);
  const std::string checkpoint_path = (r.out / "checkpoint.pt").string();
  if (r.o.resume) {
    try {
      r.state = load_checkpoint(checkpoint_path, r.net, r.average, *r.optimizer, r.device);
    } catch (const std::exception& e) {
      throw TrainError{checkpoint_path + ": cannot read the checkpoint (" + std::string(e.what()).substr(0, 160) + ")"};
    }
    if (r.state.fingerprint != fingerprint(r.o, r.model_spec)) {
      throw TrainError{"--resume: the checkpoint in " + r.o.out_dir + " was made with other settings (epochs, size, batch, seed, "
                       "model...); rerun with the same flags, or without --resume to start over"};
    }
    std::printf("resuming after epoch %d of %d\n", r.state.epochs_done, r.o.epochs);
  }
  if (r.device.is_cuda()) use_channels_last(*r.net);
  r.history = json::parse(r.state.history_json);
  for (const json& h : r.history) r.train_seconds += h.value("seconds", 0.0);
}

// One epoch of weighted BCE on augmented batches; returns the mean training loss.
double train_epoch(Run& r, int epoch, const AugmentOptions& augment, const torch::Tensor& pos_weight) {
  const TrainOptions& o = r.o;
  const std::int64_t steps_per_epoch = (static_cast<std::int64_t>(r.data.train.size()) + o.batch - 1) / o.batch;
  const std::int64_t total_steps = steps_per_epoch * o.epochs;
  // Everything random in an epoch derives from (seed, epoch): a resumed run repeats it exactly.
  torch::manual_seed(o.seed * 1000003ull + epoch);
  std::vector<std::int64_t> order = r.data.train;
  deterministic_shuffle(order, o.seed * 7919ull + epoch);
  r.net->train();
  Progress progress("epoch " + std::to_string(epoch) + "/" + std::to_string(o.epochs), static_cast<std::int64_t>(order.size()));
  // The running loss stays on the device and is read only every 16 steps: on CUDA a read waits
  // for the GPU, and a wait per batch would cost more than the batch.
  torch::Tensor loss_total = torch::zeros({}, torch::TensorOptions().dtype(torch::kFloat64).device(r.device));
  // The epoch's order goes to the device once: a copy per step from host memory would make the
  // host wait for the GPU every step.
  const torch::Tensor order_on_device = torch::tensor(order, torch::kLong).to(r.device);
  std::int64_t seen = 0;
  const bool cuda = r.device.is_cuda();
  for (std::int64_t step = 0; step < steps_per_epoch; ++step) {
    const std::int64_t global_step = (epoch - 1) * steps_per_epoch + step;
    const double lr = learning_rate_at(global_step, steps_per_epoch, total_steps, o.learning_rate);
    for (auto& group : r.optimizer->param_groups()) static_cast<torch::optim::AdamWOptions&>(group.options()).lr(lr);
    const std::size_t begin = step * o.batch, end = std::min(order.size(), begin + o.batch);
    const torch::Tensor idx = order_on_device.slice(0, static_cast<std::int64_t>(begin), static_cast<std::int64_t>(end));
    torch::Tensor x = r.data.pixels.index_select(0, idx).to(torch::kFloat32).div_(255.0f);
    if (o.augment != "none") x = augment_batch(x, augment);
    x = (x - r.data.spec.mean) / r.data.spec.std;
    if (cuda) x = x.contiguous(torch::MemoryFormat::ChannelsLast);
    torch::Tensor y = r.data.labels.index_select(0, idx);
    if (o.label_smoothing > 0) y = y * (1 - o.label_smoothing) + o.label_smoothing / 2;
    torch::Tensor logits;
    {
      CudaAutocast autocast(cuda);
      logits = r.net->forward(x).view({-1}).to(torch::kFloat32);
    }
    const torch::Tensor loss = torch::nn::functional::binary_cross_entropy_with_logits(
        logits, y, torch::nn::functional::BinaryCrossEntropyWithLogitsFuncOptions().pos_weight(pos_weight));
    r.optimizer->zero_grad();
    loss.backward();
    adamw_step(*r.optimizer);
    update_average(r.average, r.net, o.ema_decay, global_step);
    loss_total += loss.detach().to(torch::kFloat64) * static_cast<double>(end - begin);
    seen += static_cast<std::int64_t>(end - begin);
    if (step % 16 == 15) {
      char suffix[48];
      std::snprintf(suffix, sizeof suffix, "loss %.4f", loss_total.item<double>() / seen);
      progress.update(seen, suffix);
    }
  }
  const double mean_loss = loss_total.item<double>() / seen;
  char suffix[48];
  std::snprintf(suffix, sizeof suffix, "loss %.4f", mean_loss);
  const double seconds = progress.finish(suffix);
  r.train_seconds += seconds;
  r.history.push_back({{"epoch", epoch}, {"train_loss", mean_loss}, {"seconds", seconds}, {"images_per_second", seen / seconds}});
  return mean_loss;
}

// Step 3: the schedule, with a checkpoint after every epoch. Validation is watched (logged and
// plotted) but picks nothing: on held-out training patients it saturates within a few epochs.
// Returns false when stopped early on purpose (--stop-after-epoch).
bool train_all_epochs(Run& r) {
  const TrainOptions& o = r.o;
  const AugmentOptions augment = augment_preset(o.augment);
  // Class imbalance: the loss weighs each PNEUMONIA image by NORMAL/PNEUMONIA (about 1/3 here),
  // so both classes pull equally. The calibration undoes the shift this gives the logits.
  const torch::Tensor pos_weight = torch::tensor({static_cast<float>(r.data.train_neg) / r.data.train_pos}).to(r.device);
  const std::vector<int> val_labels = labels_of(r.data, r.data.val);
  for (int epoch = r.state.epochs_done + 1; epoch <= o.epochs; ++epoch) {
    const double train_loss = train_epoch(r, epoch, augment, pos_weight);
    NetworkOutputs val;
    {
      CudaAutocast autocast(r.device.is_cuda());  // watched only (logged and plotted): bf16 is enough on CUDA
      val = run_network(r.average, static_cast<std::int64_t>(r.data.val.size()), 256, rows_input(r.data, r.data.val));
    }
    std::vector<float> p(val.logits.size());
    for (std::size_t i = 0; i < p.size(); ++i) p[i] = static_cast<float>(sigmoid_of(val.logits[i]));
    const BinaryMetrics m = compute_metrics(p, val_labels, 0.5);
    json& h = r.history.back();
    h["val_loss"] = m.log_loss, h["val_auc"] = m.roc_auc, h["val_accuracy_at_0.5"] = m.accuracy;
    std::printf("epoch %d/%d  train loss %.4f  val loss %.4f (averaged weights, uncalibrated)  %s  %.0f img/s\n", epoch, o.epochs,
                train_loss, m.log_loss, summary_line(m).c_str(), h.value("images_per_second", 0.0));
    std::fflush(stdout);
    write_log((r.out / "train_log.jsonl").string(), r.history);
    r.state.epochs_done = epoch;
    r.state.history_json = r.history.dump();
    save_checkpoint((r.out / "checkpoint.pt").string(), r.net, r.average, *r.optimizer, r.state);
    if (o.stop_after_epoch > 0 && epoch >= o.stop_after_epoch && epoch < o.epochs) {
      std::printf("stopped after epoch %d as asked (--stop-after-epoch); continue with the same flags and --resume\n", epoch);
      return false;
    }
  }
  return true;
}

std::vector<float> probabilities(const PlattScaling& calibration, const std::vector<float>& logits) {
  std::vector<float> p(logits.size());
  for (std::size_t i = 0; i < p.size(); ++i) p[i] = static_cast<float>(calibration.probability(logits[i]));
  return p;
}

// The OOD statistics: each view fitted on the training films as they are (no augmentation), its
// scale taken from the validation films (ood_fit.h).
void fit_ood_statistics(Run& r, XrayNet& net) {
  const auto val_count = static_cast<std::int64_t>(r.data.val.size());
  const std::vector<std::vector<double>> taps = collect_tap_features(net, static_cast<std::int64_t>(r.data.train.size()), 256,
                                                                     rows_input(r.data, r.data.train));
  const std::vector<std::vector<double>> val_taps = collect_tap_features(net, val_count, 256, rows_input(r.data, r.data.val));
  std::vector<OodTap> fitted;
  const std::vector<int> dims = ood_tap_dims(r.model_spec);
  for (std::size_t t = 0; t < taps.size(); ++t) {
    auto tap = fit_ood_tap(taps[t], dims[t]);
    if (!tap) throw TrainError{tap.error().message};
    std::vector<float> val_distances;
    for (std::size_t i = 0; i + dims[t] <= val_taps[t].size(); i += dims[t]) val_distances.push_back(static_cast<float>(ood_distance(*tap, &val_taps[t][i])));
    rescale_ood_tap(*tap, std::max(1e-12, quantile_of(val_distances, kOodTapQuantile)));
    fitted.push_back(std::move(*tap));
  }
  net->set_ood(fitted);
}

// The validation films once more under the "stress" perturbation (seeded): a glimpse of what a
// new scanner or exposure might do.
NetworkOutputs stressed_validation(Run& r, XrayNet& net) {
  const AugmentOptions stress = augment_preset("stress");
  torch::manual_seed(r.o.seed + 99991);
  return run_network(net, static_cast<std::int64_t>(r.data.val.size()), 256, [&](std::int64_t begin, std::int64_t end) {
    std::vector<std::int64_t> chunk(r.data.val.begin() + begin, r.data.val.begin() + end);
    const torch::Tensor idx = torch::tensor(chunk, torch::kLong).to(r.device);
    const torch::Tensor x = augment_batch(r.data.pixels.index_select(0, idx).to(torch::kFloat32).div_(255.0f), stress);
    return (x - r.data.spec.mean) / r.data.spec.std;
  });
}

// The validation films and their scores, for studies of the operating point and for checking a
// calibration on held-out patients (scripts/calibration_check.sh); not part of the model.
void write_validation_scores(const Run& r, const std::vector<int>& labels, const NetworkOutputs& val, const NetworkOutputs& stressed) {
  std::string csv = "path,label,logit,stressed_logit,ood_score\n";
  for (std::size_t i = 0; i < labels.size(); ++i) {
    char line[96];
    std::snprintf(line, sizeof line, ",%d,%.6g,%.6g,%.6g\n", labels[i], val.logits[i], stressed.logits[i], val.ood_scores[i]);
    csv += r.data.paths[r.data.val[i]] + line;
  }
  if (auto ok = write_file_atomic((r.out / "validation_scores.csv").string(), csv.data(), csv.size()); !ok) {
    std::fprintf(stderr, "warning: %s\n", ok.error().message.c_str());
  }
}

std::vector<float> calibrated_logits(const PlattScaling& calibration, const std::vector<float>& logits) {
  std::vector<float> out(logits.size());
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = static_cast<float>(calibration.apply_logit(logits[i]));
  return out;
}

// Step 4, from the averaged weights: OOD statistics, calibration on validation, and the threshold.
// The threshold is the centre (in logit space) of the widest J-maximising interval over the
// validation films taken twice, as they are and stressed: an operating point that holds for
// both, instead of one at the edge of what held-out films of the training hospital allow.
TrainingRecord finish(Run& r) {
  TrainingRecord rec;
  XrayNet& net = r.average;
  const std::vector<int> val_labels = labels_of(r.data, r.data.val);
  fit_ood_statistics(r, net);
  const NetworkOutputs val = run_network(net, static_cast<std::int64_t>(val_labels.size()), 256, rows_input(r.data, r.data.val));
  const NetworkOutputs stressed = stressed_validation(r, net);
  write_validation_scores(r, val_labels, val, stressed);

  rec.ece_raw = expected_calibration_error(probabilities(PlattScaling{}, val.logits), val_labels);
  rec.calibration = fit_platt(val.logits, val_labels);
  const std::vector<float> val_p = probabilities(rec.calibration, val.logits), stressed_p = probabilities(rec.calibration, stressed.logits);
  rec.ece_calibrated = expected_calibration_error(val_p, val_labels);

  std::vector<float> both = calibrated_logits(rec.calibration, val.logits);
  const std::vector<float> stressed_logits = calibrated_logits(rec.calibration, stressed.logits);
  both.insert(both.end(), stressed_logits.begin(), stressed_logits.end());
  std::vector<int> both_labels = val_labels;
  both_labels.insert(both_labels.end(), val_labels.begin(), val_labels.end());
  rec.threshold_choice = choose_threshold_j_centre(both, both_labels);
  rec.threshold = sigmoid_of(rec.threshold_choice.threshold);
  rec.validation = compute_metrics(val_p, val_labels, rec.threshold);
  rec.validation_stressed = compute_metrics(stressed_p, val_labels, rec.threshold);
  rec.stress_description = "each validation film once, seeded, " + describe(augment_preset("stress"));

  const OodLimitRule rule;
  rec.ood_limit = ood_limit(val.ood_scores, rule);
  rec.ood_rule = rule.describe();
  rec.ood_validation_count = static_cast<std::int64_t>(val_labels.size());
  for (float s : val.ood_scores) rec.ood_validation_flagged += !(s <= rec.ood_limit);
  // For the record: where the rule would put the threshold on the films as they are only.
  const double clean_threshold = sigmoid_of(choose_threshold_j_centre(calibrated_logits(rec.calibration, val.logits), val_labels).threshold);
  std::printf("(on the validation films as they are only, the rule would give %.4f: validation %s | stressed %s)\n", clean_threshold,
              summary_line(compute_metrics(val_p, val_labels, clean_threshold)).c_str(),
              summary_line(compute_metrics(stressed_p, val_labels, clean_threshold)).c_str());
  return rec;
}

std::string torch_version() {
  return std::to_string(TORCH_VERSION_MAJOR) + "." + std::to_string(TORCH_VERSION_MINOR) + "." + std::to_string(TORCH_VERSION_PATCH);
}

// Step 0: the model directory exists, what killed runs left is gone, and a fresh run has given up
// the older run's checkpoint (so that `--resume` after a kill at any moment continues this run;
// the older model stays until the new one replaces it whole, model_directory.h). Returns an error
// message, or "".
std::string prepare_model_directory(TrainOptions& o) {
  std::error_code ec;
  fs::create_directories(o.out_dir, ec);
  if (ec || !fs::is_directory(o.out_dir)) return o.out_dir + ": cannot create the model directory (" + ec.message() + ")";
  remove_stale_temporaries(o.out_dir);
  if (o.resume && !fs::exists(fs::path(o.out_dir) / "checkpoint.pt")) {
    // A run killed before its first checkpoint left nothing to resume: --resume still finishes.
    std::printf("note: --resume: no checkpoint in %s yet, so nothing to resume; starting from the beginning\n",
                o.out_dir.c_str());
    o.resume = false;
  }
  if (!o.resume) fs::remove(fs::path(o.out_dir) / "checkpoint.pt", ec);
  return "";
}

void print_run_header(const Run& r, int threads) {
  std::printf("train: %zu images (%lld NORMAL, %lld PNEUMONIA), validation: %zu images (%lld NORMAL, %lld PNEUMONIA), "
              "by patient, seed %llu\n",
              r.data.train.size(), (long long)r.data.train_neg, (long long)r.data.train_pos, r.data.val.size(),
              (long long)r.data.val_neg, (long long)r.data.val_pos, (unsigned long long)r.o.seed);
  std::printf("model: %s, %lld parameters, input %dx%d, device %s, %d threads, augmentation %s\n", describe(r.model_spec).c_str(),
              parameter_count(r.model_spec), r.data.spec.width, r.data.spec.height, r.device_name.c_str(), threads,
              r.o.augment.c_str());
  std::fflush(stdout);
}

// What the card records about the run, beside finish()'s figures.
void describe_run(const Run& r, TrainingRecord& rec) {
  rec.options = r.o;
  rec.command = r.o.command;
  rec.spec = r.data.spec;
  rec.model = r.model_spec;
  rec.augmentation = describe(augment_preset(r.o.augment));
  rec.epochs_run = r.state.epochs_done;
  rec.history = r.history;
  rec.device = r.device_name;
  rec.torch_version = torch_version();
  rec.train_seconds = r.train_seconds;
  rec.data_root_name = r.data.root_name;
  rec.provenance = r.data.provenance;
  rec.train_counts = {r.data.train_neg, r.data.train_pos};
  rec.val_counts = {r.data.val_neg, r.data.val_pos};
  rec.skipped_files = r.data.skipped;
}

// Step 5: model.pt, model.json and model.onnx, replacing the directory's model in one step.
Expected<bool> write_model(Run& r, const TrainingRecord& rec) {
  return update_model_directory(r.o.out_dir, [&](const std::string& staging) -> Expected<bool> {
    save_weights(*r.average, (fs::path(staging) / "model.pt").string());
    kill_point("model.pt");
    auto written = write_model_card(staging, card_from_training(rec));
    if (!written) return written.error();
    kill_point("model.json");
    ExportOptions export_options;
    export_options.model_dir = staging;
    auto onnx = export_model_onnx(export_options);
    if (!onnx) return onnx.error();
    kill_point("model.onnx");
    return true;
  });
}

void print_summary(const Run& r, const TrainingRecord& rec, double total_seconds) {
  std::printf("calibration: P = sigmoid(%.4f logit %+.4f); expected calibration error on validation %.4f (uncalibrated %.4f)\n",
              rec.calibration.a, rec.calibration.b, rec.ece_calibrated, rec.ece_raw);
  std::printf("threshold %.4f: centre of the J-maximising interval (%.4f, %.4f] in logit space, validation films as they are and stressed\n", rec.threshold,
              sigmoid_of(rec.threshold_choice.lower), sigmoid_of(rec.threshold_choice.upper));
  std::printf("validation (in-distribution) at the threshold: %s\n", summary_line(rec.validation).c_str());
  std::printf("validation under the stress perturbation:      %s\n", summary_line(rec.validation_stressed).c_str());
  std::printf("out-of-distribution limit %.3f (%s); validation films over it: %lld of %lld\n", rec.ood_limit, rec.ood_rule.c_str(),
              (long long)rec.ood_validation_flagged, (long long)rec.ood_validation_count);
  std::printf("wrote %s/model.pt, model.onnx and model.json in %s (training %s)\n", r.o.out_dir.c_str(),
              format_duration(total_seconds).c_str(), format_duration(r.train_seconds).c_str());
}

}  // namespace

int run_train(const TrainOptions& given) {
  TrainOptions o = given;
  const auto process_start = std::chrono::steady_clock::now();
  if (auto bad = validate_options(o); !bad.empty()) return fail(bad);
  auto device_name = resolve_device(o.device);
  if (!device_name) return fail(device_name.error().message);
  const int threads = o.threads > 0 ? o.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  torch::set_num_threads(threads);
  if (auto bad = prepare_model_directory(o); !bad.empty()) return fail(bad);

  Run r{o, torch::Device(*device_name == "cuda" ? torch::kCUDA : torch::kCPU), *device_name, fs::path(o.out_dir)};
  try {
    std::unique_ptr<CudaWarmup> warmup;
    if (auto spec = network_spec(o); spec && r.device.is_cuda()) warmup = std::make_unique<CudaWarmup>(*spec, o.batch, o.image_size);
    r.data = load_data(o, threads);
    if (warmup) warmup->join();
    r.data.pixels = r.data.pixels.to(r.device);
    r.data.labels = r.data.labels.to(r.device);
    r.data.lut = lut_tensor(normalization_table(r.data.spec), r.device);
    build_model(r);
    write_log((r.out / "train_log.jsonl").string(), r.history);
    print_run_header(r, threads);
    if (!train_all_epochs(r)) return 0;  // --stop-after-epoch
    TrainingRecord rec = finish(r);
    describe_run(r, rec);
    if (auto written = write_model(r, rec); !written) return fail(written.error().message);
    print_summary(r, rec, std::chrono::duration<double>(std::chrono::steady_clock::now() - process_start).count());
    return 0;
  } catch (const TrainError& e) {
    return fail(e.message);
  } catch (const std::exception& e) {  // LibTorch and the file system (a full disk, a lost folder)
    return fail(std::string(e.what()).substr(0, 300));
  }
}

}  // namespace xray
