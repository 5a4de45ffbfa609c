// xray calibrate: fits the calibration (Platt) and the threshold to a site's own labelled films
// and writes a complete new model directory; the original is left untouched. The page and
// `xray predict` then use the new threshold without any change on their side.
#include <cstdio>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "classifier.h"
#include "commands.h"
#include "export.h"
#include "labelled_split.h"
#include "metrics.h"
#include "model_card.h"
#include "ood_fit.h"
#include "output_files.h"
#include "operating_point.h"
#include "xray/file_io.h"

namespace xray {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

int fail(const std::string& message) {
  std::fprintf(stderr, "xray calibrate: %s\n", message.c_str());
  return 1;
}

}  // namespace

int run_calibrate(const CalibrateOptions& o) {
  std::error_code ec;
  if (fs::exists(o.out_dir, ec) && fs::weakly_canonical(o.out_dir, ec) == fs::weakly_canonical(o.model_dir, ec)) {
    return fail("--out must be a new folder, not the model directory itself (the original stays untouched)");
  }
  if (fs::exists(fs::path(o.out_dir) / "model.json", ec)) {
    return fail(o.out_dir + " already holds a model (model.json); choose a new folder");
  }
  auto classifier = Classifier::load(o.model_dir, o.device);
  if (!classifier) return fail(classifier.error().message);
  const ModelCard& card = classifier->card();

  auto split = load_labelled_split(o.data_dir, o.split, card.preprocess);
  if (!split) return fail(split.error().message);
  const ImageCache& cache = split->cache;
  const std::vector<int>& labels = split->labels;
  const std::int64_t normal = split->normal, pneumonia = split->pneumonia;
  if (normal < o.min_per_class || pneumonia < o.min_per_class) {
    return fail("the \"" + o.split + "\" split has " + std::to_string(normal) + " NORMAL and " + std::to_string(pneumonia) +
                " PNEUMONIA films that could be read; calibration needs at least " + std::to_string(o.min_per_class) +
                " of each class (fewer gives a threshold that mostly reflects chance)");
  }

  const std::vector<Prediction> predictions = classifier->predict(cache.pixels.data(), cache.count(), cache.colour_fraction.data(), o.batch);
  std::vector<float> logits, ood_scores;
  for (const Prediction& p : predictions) logits.push_back(p.logit), ood_scores.push_back(p.ood_score);
  const PlattScaling platt = fit_platt(logits, labels);
  std::vector<float> calibrated(logits.size()), probabilities(logits.size());
  for (std::size_t i = 0; i < logits.size(); ++i) {
    calibrated[i] = static_cast<float>(platt.apply_logit(logits[i]));
    probabilities[i] = static_cast<float>(sigmoid_of(calibrated[i]));
  }
  std::string rule;
  double threshold_logit;
  if (o.target_sensitivity > 0) {
    threshold_logit = threshold_for_sensitivity(calibrated, labels, o.target_sensitivity);
    rule = "the most specific threshold with sensitivity >= " + json(o.target_sensitivity).dump() + " on the site's films";
  } else {
    threshold_logit = choose_threshold_j_centre(calibrated, labels).threshold;
    rule = "centre, in logit space, of the widest interval that maximises Youden's J on the site's films";
  }
  const double threshold = sigmoid_of(threshold_logit);
  const BinaryMetrics fitted = compute_metrics(probabilities, labels, threshold);
  const double ece = expected_calibration_error(probabilities, labels);

  // The card: everything from the original, with the new calibration, threshold and OOD limit.
  json updated = card.json;
  const json fitted_on = {{"data", split->data_name}, {"split", o.split}, {"NORMAL", normal}, {"PNEUMONIA", pneumonia}};
  updated["calibration"] = {{"method", "platt"}, {"a", platt.a}, {"b", platt.b}, {"fitted_on", fitted_on},
                            {"rule", rule}, {"date", utc_now()}, {"expected_calibration_error", ece},
                            {"fit_metrics", to_json(fitted)}, {"previous", card.json.value("calibration", json())},
                            {"previous_threshold", card.threshold}};
  updated["threshold"] = threshold;
  updated["threshold_rule"] = rule + " (xray calibrate)";
  updated.erase("threshold_fit");
  if (updated.contains("evaluations") && !updated["evaluations"].empty()) {
    // They were measured at the old operating point: kept, but apart.
    updated["calibration"]["evaluations_before"] = updated["evaluations"];
  }
  updated["evaluations"] = json::array();
  double limit = card.ood_limit;
  if (card.has_ood_gate) {
    // The training rule applied to the site's films; never stricter than the original limit, so a
    // small sample cannot make the gate refuse films like the training ones.
    const OodLimitRule limit_rule;
    const double site_limit = ood_limit(ood_scores, limit_rule);
    limit = std::max(card.ood_limit, site_limit);
    updated["ood"]["limit"] = limit;
    updated["ood"]["rule"] = "max(the training limit " + json(card.ood_limit).dump() + ", " + limit_rule.describe() +
                             " on the site's films = " + json(site_limit).dump() + ")";
  }

  // Written into a temporary folder beside the target, then renamed: never a half-made model.
  fs::path out = fs::path(o.out_dir).lexically_normal();
  if (out.filename().empty()) out = out.parent_path();  // "site/" names the folder "site"
  const fs::path tmp = temporary_path(out.string());
  remove_folder(tmp.string());
  fs::create_directories(tmp, ec);
  if (ec) return fail(tmp.string() + ": cannot create (" + ec.message() + ")");
  auto cleanup = [&] { remove_folder(tmp.string()); };
  fs::copy_file(fs::path(o.model_dir) / "model.pt", tmp / "model.pt", fs::copy_options::overwrite_existing, ec);
  if (ec) return cleanup(), fail("cannot copy model.pt (" + ec.message() + ")");
  if (auto ok = write_model_card(tmp.string(), updated); !ok) return cleanup(), fail(ok.error().message);
  ExportOptions export_options;
  export_options.model_dir = tmp.string();
  if (auto ok = export_model_onnx(export_options); !ok) return cleanup(), fail(ok.error().message);
  if (fs::exists(out, ec) && fs::is_empty(out, ec)) fs::remove(out, ec);
  fs::rename(tmp, out, ec);
  if (ec) return cleanup(), fail("cannot move the new model to " + o.out_dir + " (" + ec.message() + ")");

  std::int64_t flagged = 0;
  for (float s : ood_scores) flagged += !(s <= limit);
  std::printf("%s/%s: %lld NORMAL, %lld PNEUMONIA\n", o.data_dir.c_str(), o.split.c_str(), (long long)normal, (long long)pneumonia);
  std::printf("calibration: P = sigmoid(%.4f logit %+.4f), ECE on these films %.4f\n", platt.a, platt.b, ece);
  std::printf("threshold %.4f (was %.4f): %s\n", threshold, card.threshold, rule.c_str());
  std::printf("on these films at the new threshold: %s\n", summary_line(fitted).c_str());
  if (card.has_ood_gate) std::printf("out-of-distribution limit %.3f (was %.3f); flagged here: %lld\n", limit, card.ood_limit, (long long)flagged);
  std::printf("wrote %s (model.pt, model.json, model.onnx); %s is unchanged\n", o.out_dir.c_str(), o.model_dir.c_str());
  return 0;
}

}  // namespace xray
