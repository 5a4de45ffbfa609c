// xray: the command-line front end. Parses flags with CLI11 and hands each subcommand to its
// run_* function (commands.h); no LibTorch here, so this file compiles in a second.
#include <CLI/CLI.hpp>
#include <malloc.h>

#include <cstdio>
#include <filesystem>

#include "commands.h"
#include "export.h"

namespace {

// CLI11 validator: the folder must exist (a clearer message than failing later).
const auto kExistingFolder = CLI::Validator(
    [](std::string& path) -> std::string {
      if (std::filesystem::is_directory(path)) return "";
      return std::filesystem::exists(path) ? path + " is a file, expected a folder" : path + ": no such folder";
    },
    "FOLDER");

// "16,32,64,96"
std::string joined(const std::vector<int>& values) {
  std::string out;
  for (int v : values) out += (out.empty() ? "" : ",") + std::to_string(v);
  return out;
}

// What the command line asked for: the chosen subcommand and its options.
struct Parsed {
  CLI::App *report_cmd = nullptr, *train_cmd = nullptr, *eval_cmd = nullptr, *predict_cmd = nullptr, *export_cmd = nullptr,
           *calibrate_cmd = nullptr;
  xray::DataReportOptions report;
  xray::TrainOptions train;
  std::string widths = joined(xray::CnnOptions{}.widths);
  xray::EvaluateOptions evaluate;
  xray::PredictOptions predict;
  xray::ExportOptions export_options;
  xray::CalibrateOptions calibrate;
};

int run(Parsed& p);

}  // namespace

int main(int argc, char** argv) {
  // LibTorch frees and re-allocates its large activation buffers every step; glibc's default
  // returns them to the kernel each time (mmap/munmap), and the page faults that follow cost 4-5x
  // the training speed on the CPU. Keep big blocks in the heap instead.
  mallopt(M_MMAP_THRESHOLD, 256 << 20);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  mallopt(M_TOP_PAD, 64 << 20);
  CLI::App app{"xray: train and use a pediatric chest X-ray pneumonia classifier (research demo, not a medical device)"};
  app.require_subcommand(1);
  // A flag given twice takes the last value, as most command-line tools do.
  app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  app.set_version_flag("--version", "xray 0.1.0");

  Parsed p;
  auto& [report_cmd, train_cmd, eval_cmd, predict_cmd, export_cmd, calibrate_cmd, report, train, widths, evaluate, predict,
         export_options, calibrate] = p;
  // The command line for the card: flags as given, the data and output folders named generically
  // (a card must not carry a machine's paths).
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i], previous = i > 1 ? argv[i - 1] : "";
    train.command += (i > 1 ? " " : "") + std::string(previous == "--data" ? "DATA_DIR" : previous == "--out" ? "MODEL_DIR"
                                                     : previous == "--cache-dir" ? "CACHE_DIR" : arg);
  }
  train.command = "xray " + train.command;
  report_cmd = app.add_subcommand("data-report", "Count images per split and class, list unusable files, plot the balance");
  report_cmd->add_option("--data", report.data_dir, "Folder with train/ val/ test/ (Kaggle's chest_xray/)")->required()->check(kExistingFolder);
  report_cmd->add_option("--json", report.json_path, "Write the report as JSON");
  report_cmd->add_option("--plot", report.plot_path, "Write a class-balance chart (SVG)");
  report_cmd->add_flag("!--no-check", report.check_contents, "Skip reading each file's header (faster, finds fewer problems)");
  report_cmd->add_option("--model", report.model_dir, "Also list the images this model's out-of-distribution gate flags")->check(kExistingFolder);
  report_cmd->add_option("--device", report.device, "auto, cpu or cuda (with --model)")->check(CLI::IsMember({"auto", "cpu", "cuda"}));

  train_cmd = app.add_subcommand("train", "Train the CNN; writes model.pt, model.json, train_log.jsonl, checkpoint.pt");
  train_cmd->add_option("--data", train.data_dir, "Folder with train/NORMAL and train/PNEUMONIA")->required()->check(kExistingFolder);
  train_cmd->add_option("--out", train.out_dir, "Model directory to write")->required();
  train_cmd->add_option("--epochs", train.epochs, "Epochs (the whole schedule always runs)")->capture_default_str();
  train_cmd->add_option("--image-size", train.image_size, "Model input size, square")->capture_default_str();
  train_cmd->add_option("--batch", train.batch, "Batch size")->capture_default_str();
  train_cmd->add_option("--device", train.device, "auto, cpu or cuda")->check(CLI::IsMember({"auto", "cpu", "cuda"}))->capture_default_str();
  train_cmd->add_option("--seed", train.seed, "Seed for the split, initialisation, order and augmentation")->capture_default_str();
  train_cmd->add_option("--val-fraction", train.val_fraction, "Share of the training patients held out for validation")->capture_default_str();
  train_cmd->add_flag("--resume", train.resume, "Continue from MODEL_DIR/checkpoint.pt");
  train_cmd->add_option("--lr", train.learning_rate, "Peak learning rate (AdamW)")->capture_default_str();
  train_cmd->add_option("--weight-decay", train.weight_decay, "AdamW weight decay")->capture_default_str();
  train_cmd->add_option("--label-smoothing", train.label_smoothing, "Targets e/2 and 1 - e/2 instead of 0 and 1")->capture_default_str();
  train_cmd->add_option("--ema-decay", train.ema_decay, "Per-step decay of the weights' moving average (the shipped weights)")->capture_default_str();
  train_cmd->add_option("--widths", widths, "Channels per block, comma-separated")->capture_default_str();
  train_cmd->add_option("--convs-per-block", train.convs_per_block, "conv3x3-BN-ReLU layers per block")->check(CLI::Range(1, 4))->capture_default_str();
  train_cmd->add_option("--dropout", train.dropout, "Dropout before the final layer")->capture_default_str();
  train_cmd->add_flag("!--no-batch-norm", train.batch_norm, "Build the network without batch normalization");
  train_cmd->add_option("--augment", train.augment, "Augmentation recipe: none, light or strong (see README)")
      ->check(CLI::IsMember({"none", "light", "strong"}))->capture_default_str();
  train_cmd->add_flag_callback("--no-augment", [&train] { train.augment = "none"; }, "Same as --augment none");
  train_cmd->add_option("--cache-dir", train.cache_dir, "Keep decoded images here, keyed by file contents and spec");
  train_cmd->add_option("--threads", train.threads, "CPU threads (0: all cores)")->capture_default_str();
  train_cmd->add_option("--stop-after-epoch", train.stop_after_epoch, "Stop after epoch N, leaving a checkpoint for --resume");
  train_cmd->add_option("--max-per-class", train.max_per_class, "Use at most N training images per class (quick runs)");
  train_cmd->add_option("--preset", train.preset, "gpu: batch 128, --lr 0.004, --ema-decay 0.992 (flags given win)")
      ->check(CLI::IsMember({"gpu"}));

  eval_cmd = app.add_subcommand("evaluate", "Metrics of a model on a split, at the model's threshold, with plots");
  eval_cmd->add_option("--model", evaluate.model_dir, "Model directory (model.json + model.pt)")->required()->check(kExistingFolder);
  eval_cmd->add_option("--data", evaluate.data_dir, "Data folder")->required()->check(kExistingFolder);
  eval_cmd->add_option("--split", evaluate.split, "train, val or test")->check(CLI::IsMember({"train", "val", "test"}))->capture_default_str();
  eval_cmd->add_option("--json", evaluate.json_path, "Write the metrics as JSON");
  eval_cmd->add_option("--plots", evaluate.plots_dir, "Write ROC, PR, reliability, confusion and training-curve SVGs here");
  eval_cmd->add_flag("--record", evaluate.record, "Append the result to the card's evaluations (model.json, model.onnx rewritten)");
  eval_cmd->add_option("--device", evaluate.device, "auto, cpu or cuda")->check(CLI::IsMember({"auto", "cpu", "cuda"}));

  predict_cmd = app.add_subcommand("predict", "P(PNEUMONIA), a label and the out-of-distribution flag per image, as CSV "
                                              "(path,probability,label,out_of_distribution,ood_score,error)");
  predict_cmd->add_option("--model", predict.model_dir, "Model directory (model.json + model.pt)")->required()->check(kExistingFolder);
  predict_cmd->add_option("--csv", predict.csv_path, "Write the CSV here instead of standard output");
  predict_cmd->add_option("--device", predict.device, "auto, cpu or cuda")->check(CLI::IsMember({"auto", "cpu", "cuda"}));
  predict_cmd->add_option("paths", predict.paths, "Image files or folders (searched recursively)")->required();

  export_cmd = app.add_subcommand("export", "Write model.onnx from model.pt and record its sha256 in model.json");
  export_cmd->add_option("--model", export_options.model_dir, "Model directory (model.json + model.pt)")->required()->check(kExistingFolder);
  export_cmd->add_option("--onnx", export_options.onnx_path, "Where to write (default MODEL_DIR/model.onnx)");
  export_cmd->add_flag("!--keep-batch-norm", export_options.fold_batch_norm, "Keep BatchNormalization nodes instead of folding them");

  calibrate_cmd = app.add_subcommand("calibrate", "Fit the calibration and threshold to a site's own labelled films; writes a new model directory");
  calibrate_cmd->add_option("--model", calibrate.model_dir, "Model directory to start from (left untouched)")->required()->check(kExistingFolder);
  calibrate_cmd->add_option("--data", calibrate.data_dir, "Folder with SPLIT/NORMAL and SPLIT/PNEUMONIA")->required()->check(kExistingFolder);
  calibrate_cmd->add_option("--split", calibrate.split, "Which split folder holds the site's films")->capture_default_str();
  calibrate_cmd->add_option("--out", calibrate.out_dir, "New model directory to write")->required();
  auto* sensitivity = calibrate_cmd->add_option("--target-sensitivity", calibrate.target_sensitivity,
                                                "The most specific threshold that keeps this sensitivity on the site's films")
                          ->check(CLI::Range(0.5, 1.0));
  calibrate_cmd->add_option("--rule", calibrate.rule, "youden: centre of the interval that maximises Youden's J")
      ->check(CLI::IsMember({"youden"}))->excludes(sensitivity);
  calibrate_cmd->add_option("--device", calibrate.device, "auto, cpu or cuda")->check(CLI::IsMember({"auto", "cpu", "cuda"}));

  CLI11_PARSE(app, argc, argv);
  // LibTorch and the standard library report some failures (out of memory, a full disk) by
  // throwing; say what happened instead of aborting.
  try {
    return run(p);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "xray %s: %s\n", app.get_subcommands().empty() ? "" : app.get_subcommands()[0]->get_name().c_str(),
                 std::string(e.what()).substr(0, 400).c_str());
    return 1;
  }
}

namespace {

int run(Parsed& p) {
  auto& [report_cmd, train_cmd, eval_cmd, predict_cmd, export_cmd, calibrate_cmd, report, train, widths, evaluate, predict,
         export_options, calibrate] = p;
  if (*report_cmd) return xray::run_data_report(report);
  if (*train_cmd) {
    train.widths.clear();
    for (std::size_t start = 0; start <= widths.size();) {
      const std::size_t comma = std::min(widths.find(',', start), widths.size());
      try {
        const int w = std::stoi(widths.substr(start, comma - start));
        if (w < 1 || w > 4096) throw std::out_of_range("width");
        train.widths.push_back(w);
      } catch (const std::exception&) {
        std::fprintf(stderr, "xray train: --widths must be positive integers separated by commas, e.g. 16,32,64,96\n");
        return 2;
      }
      start = comma + 1;
    }
    if (train.preset == "gpu") {
      const xray::RecipePreset& preset = xray::kGpuPreset;
      if (train_cmd->count("--batch") == 0) train.batch = preset.batch;
      if (train_cmd->count("--lr") == 0) train.learning_rate = preset.learning_rate;
      if (train_cmd->count("--ema-decay") == 0) train.ema_decay = preset.ema_decay;
    }
    return xray::run_train(train);
  }
  if (*eval_cmd) return xray::run_evaluate(evaluate);
  if (*predict_cmd) return xray::run_predict(predict);
  if (*export_cmd) return xray::run_export(export_options);
  if (*calibrate_cmd) return xray::run_calibrate(calibrate);
  return 2;
}

}  // namespace
