// xray evaluate: metrics of a trained model on one split of the data set, with plots.
#include <cstdio>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "classifier.h"
#include "commands.h"
#include "export.h"
#include "model_card.h"
#include "model_directory.h"
#include "operating_point.h"
#include "labelled_split.h"
#include "metrics.h"
#include "output_files.h"
#include "plots.h"

namespace xray {
namespace {

int fail(const std::string& message) {
  std::fprintf(stderr, "xray evaluate: %s\n", message.c_str());
  return 1;
}

// ROC, PR, confusion matrix, and the training curves kept in the model card.
Expected<bool> write_plots(const std::string& dir, const ModelCard& card, const std::vector<float>& scores,
                           const std::vector<int>& labels, const BinaryMetrics& m, const std::string& split) {
  const std::string suffix = " (" + split + ", n=" + std::to_string(m.count) + ")";
  LineChart roc{"ROC curve" + suffix, "1 - specificity (false positive rate)", "sensitivity (true positive rate)", {}, 0, 1, 0, 1, true};
  Series roc_series{"AUC " + std::to_string(m.roc_auc).substr(0, 5), {}};
  for (const RocPoint& p : roc_curve(scores, labels)) roc_series.points.push_back({p.fpr, p.tpr});
  roc.series.push_back(roc_series);
  Series operating{"threshold " + std::to_string(m.threshold).substr(0, 5), {{1 - m.specificity, m.recall}}};
  roc.series.push_back(operating);

  LineChart pr{"Precision-recall curve" + suffix, "recall (sensitivity)", "precision", {}, 0, 1, 0, 1, false};
  Series pr_series{"average precision " + std::to_string(m.pr_auc).substr(0, 5), {}};
  for (const PrPoint& p : pr_curve(scores, labels)) pr_series.points.push_back({p.recall, p.precision});
  pr.series.push_back(pr_series);

  LineChart loss{"Training curves: loss", "epoch", "binary cross-entropy", {}, 0, 0, 0, 0, false};
  LineChart auc{"Training curves: validation ROC AUC", "epoch", "ROC AUC", {}, 0, 0, 0, 0, false};
  Series train_loss{"train (weighted, augmented)", {}}, val_loss{"validation", {}}, val_auc{"validation AUC", {}};
  const auto& history = card.json.contains("training") ? card.json["training"].value("history", nlohmann::json::array())
                                                        : nlohmann::json::array();
  for (const auto& h : history) {
    const double epoch = h.value("epoch", 0);
    if (h.contains("train_loss") && h["train_loss"].is_number()) train_loss.points.push_back({epoch, h["train_loss"].get<double>()});
    if (h.contains("val_loss") && h["val_loss"].is_number()) val_loss.points.push_back({epoch, h["val_loss"].get<double>()});
    if (h.contains("val_auc") && h["val_auc"].is_number()) val_auc.points.push_back({epoch, h["val_auc"].get<double>()});
  }
  loss.series = {train_loss, val_loss};
  auc.series = {val_auc};

  // Reliability: observed share of PNEUMONIA against the mean predicted probability, per bin.
  LineChart reliability{"Reliability (calibration)" + suffix, "mean predicted P(PNEUMONIA)", "observed share of PNEUMONIA", {}, 0, 1, 0, 1, true};
  Series bins{"ECE " + std::to_string(expected_calibration_error(scores, labels)).substr(0, 5) + " (15 bins)", {}};
  for (const ReliabilityBin& b : reliability_bins(scores, labels)) {
    if (b.count > 0) bins.points.push_back({b.mean_predicted, b.observed});
  }
  reliability.series.push_back(bins);

  const std::pair<const char*, std::string> files[] = {
      {"roc.svg", svg_line_chart(roc)},
      {"pr.svg", svg_line_chart(pr)},
      {"confusion.svg", svg_confusion_matrix("Confusion matrix" + suffix, m.confusion, card.labels[0], card.labels[1])},
      {"reliability.svg", svg_line_chart(reliability)},
      {"training_loss.svg", svg_line_chart(loss)},
      {"training_auc.svg", svg_line_chart(auc)},
  };
  for (const auto& [name, svg] : files) {
    auto ok = write_text_file((std::filesystem::path(dir) / name).string(), svg);
    if (!ok) return ok;
  }
  return true;
}

}  // namespace

int run_evaluate(const EvaluateOptions& o) {
  if (!o.json_path.empty()) {
    if (auto ok = check_writable(o.json_path); !ok) return fail(ok.error().message);
  }
  if (!o.plots_dir.empty()) {
    if (auto ok = check_writable((std::filesystem::path(o.plots_dir) / "roc.svg").string()); !ok) return fail(ok.error().message);
  }
  auto classifier = Classifier::load(o.model_dir, o.device);
  if (!classifier) return fail(classifier.error().message);
  const ModelCard& card = classifier->card();

  auto split = load_labelled_split(o.data_dir, o.split, card.preprocess);
  if (!split) return fail(split.error().message);
  const ImageCache& cache = split->cache;
  const std::vector<int>& labels = split->labels;

  const std::vector<Prediction> predictions = classifier->predict(cache.pixels.data(), cache.count(), cache.colour_fraction.data(), o.batch);
  std::vector<float> scores;
  std::int64_t flagged = 0;
  for (const Prediction& p : predictions) scores.push_back(p.probability), flagged += p.out_of_distribution;
  const BinaryMetrics m = compute_metrics(scores, labels, card.threshold);
  const double ece = expected_calibration_error(scores, labels);

  std::printf("split %s: %lld images (%lld NORMAL, %lld PNEUMONIA), threshold %.4f from the model card\n", o.split.c_str(),
              (long long)m.count, (long long)m.negatives, (long long)m.positives, m.threshold);
  std::printf("%s ECE %.3f\n", summary_line(m).c_str(), ece);
  if (card.has_ood_gate) {
    std::printf("out of distribution (ood_score > %.3f): %lld of %lld images (still scored above)\n", card.ood_limit, (long long)flagged,
                (long long)m.count);
  } else {
    std::printf("out of distribution: this model has no gate\n");
  }
  std::printf("confusion (rows true, columns predicted): NORMAL [%lld %lld]  PNEUMONIA [%lld %lld]\n", (long long)m.confusion.tn,
              (long long)m.confusion.fp, (long long)m.confusion.fn, (long long)m.confusion.tp);

  if (!o.json_path.empty()) {
    const nlohmann::json files = card.json.value("files", nlohmann::json::object());
    nlohmann::json out = {{"split", o.split}, {"metrics", to_json(m)}, {"skipped", split->skipped},
                          {"expected_calibration_error", ece}, {"out_of_distribution", flagged},
                          {"model_sha256", files.value("model.pt", nlohmann::json::object()).value("sha256", "")}};
    if (auto ok = write_text_file(o.json_path, out.dump(2) + "\n"); !ok) return fail(ok.error().message);
  }
  if (!o.plots_dir.empty()) {
    if (auto ok = write_plots(o.plots_dir, card, scores, labels, m, o.split); !ok) return fail(ok.error().message);
    std::printf("plots in %s: roc.svg pr.svg reliability.svg confusion.svg training_loss.svg training_auc.svg\n", o.plots_dir.c_str());
  }
  if (o.record) {
    // Kept apart from "validation": figures on data the model never trained or was tuned on.
    nlohmann::json updated = card.json;
    if (!updated.contains("evaluations") || !updated["evaluations"].is_array()) updated["evaluations"] = nlohmann::json::array();
    updated["evaluations"].push_back(evaluation_entry(split->data_name, o.split, m, flagged, ece));
    auto recorded = update_model_directory(o.model_dir, [&](const std::string& staging) -> Expected<bool> {
      if (auto ok = write_model_card(staging, updated); !ok) return ok.error();
      ExportOptions export_options;
      export_options.model_dir = staging;
      if (auto ok = export_model_onnx(export_options); !ok) return ok.error();
      return true;
    });
    if (!recorded) return fail(recorded.error().message);
    std::printf("recorded in %s/model.json (evaluations) and model.onnx's metadata\n", o.model_dir.c_str());
  }
  return 0;
}

}  // namespace xray
