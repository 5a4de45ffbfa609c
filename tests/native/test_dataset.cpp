// Data set scan: a small Kaggle-style tree built on disk by each test, junk included.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <system_error>

#include <nlohmann/json.hpp>

#if !defined(_WIN32)
#include <unistd.h>
#endif

#include "data_provenance.h"
#include "dataset.h"
#include "image_writers.h"
#include "patient_split.h"

namespace fs = std::filesystem;
using xray::Label;

namespace {

// A fresh folder under the system temp dir, removed (with everything in it) at scope exit.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = std::string("xray_dataset_") + (info ? info->name() : "test") + "_" +
#if !defined(_WIN32)
                       std::to_string(::getpid()) + "_" +
#endif
                       std::to_string(counter++) + "_" +
                       std::to_string(std::chrono::steady_clock::now().time_since_epoch().count());
    path_ = fs::temp_directory_path() / name;
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    // Give back permissions a test may have removed, or remove_all cannot descend.
    for (auto it = fs::recursive_directory_iterator(path_, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
      fs::permissions(it->path(), fs::perms::owner_all, fs::perm_options::add, ec);
    }
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const fs::path& path() const { return path_; }
  std::string str() const { return path_.generic_string(); }

 private:
  fs::path path_;
};

xray::test::Bytes small_jpeg(std::uint32_t seed) {
  return xray::test::encode_jpeg(xray::test::synthetic_xray(32, 32, 1, 8, seed), 90);
}
xray::test::Bytes small_png(std::uint32_t seed) {
  return xray::test::encode_png(xray::test::synthetic_xray(24, 24, 1, 8, seed));
}

void write(const fs::path& path, const xray::test::Bytes& bytes) {
  fs::create_directories(path.parent_path());
  ASSERT_TRUE(xray::test::write_bytes(path.generic_string(), bytes)) << path;
}
void write_text(const fs::path& path, const std::string& text) {
  write(path, xray::test::Bytes(text.begin(), text.end()));
}

// The standard fixture: train with junk, val with an empty class, no test split.
//   train/NORMAL:    IM-0001-0001.jpeg IM-0001-0002.jpeg NORMAL2-IM-0005-0001.png  + junk
//   train/PNEUMONIA: person1_bacteria_1.jpeg person1_virus_2.JPG person2_bacteria_3.jpeg
//   val/NORMAL:      IM-0100-0001.jpeg
//   val/PNEUMONIA:   (empty)
void make_tree(const fs::path& root) {
  const fs::path normal = root / "train" / "NORMAL";
  const fs::path pneumonia = root / "train" / "PNEUMONIA";
  write(normal / "IM-0001-0002.jpeg", small_jpeg(2));
  write(normal / "IM-0001-0001.jpeg", small_jpeg(1));
  write(normal / "NORMAL2-IM-0005-0001.png", small_png(3));
  write(normal / ".DS_Store", {0, 0, 0, 1, 'B', 'u', 'd', '1'});
  write(normal / "._IM-0001-0001.jpeg", {0, 5, 22, 7, 0, 2, 0, 0});
  write(normal / "empty.jpeg", {});
  write_text(normal / "page.jpeg", "<!DOCTYPE html><html><body>Download failed</body></html>");
  write_text(normal / "readme.txt", "labels by two experts");
  write(normal / ".ipynb_checkpoints" / "IM-0001-0001-checkpoint.jpeg", small_jpeg(4));
  write(normal / "extra" / "IM-0009-0001.jpeg", small_jpeg(5));
  write(pneumonia / "person2_bacteria_3.jpeg", small_jpeg(6));
  write(pneumonia / "person1_virus_2.JPG", small_jpeg(7));
  write(pneumonia / "person1_bacteria_1.jpeg", small_jpeg(8));
  write(root / "train" / ".DS_Store", {0, 0, 0, 1});
  write(root / "val" / "NORMAL" / "IM-0100-0001.jpeg", small_jpeg(9));
  fs::create_directories(root / "val" / "PNEUMONIA");
}

std::map<std::string, std::string> skipped_by_name(const xray::DatasetScan& scan) {
  std::map<std::string, std::string> out;
  for (const auto& s : scan.skipped) {
    std::string path = s.path;
    if (!path.empty() && path.back() == '/') path.pop_back();
    out[fs::path(path).filename().string()] = s.reason;
  }
  return out;
}

bool has_note(const xray::DatasetScan& scan, const std::string& text) {
  return std::any_of(scan.notes.begin(), scan.notes.end(),
                     [&](const std::string& n) { return n.find(text) != std::string::npos; });
}

std::string notes_of(const xray::DatasetScan& scan) {
  std::string out;
  for (const auto& n : scan.notes) out += n + "\n";
  return out;
}

}  // namespace

TEST(Dataset, LabelNames) {
  EXPECT_STREQ(xray::label_name(Label::kNormal), "NORMAL");
  EXPECT_STREQ(xray::label_name(Label::kPneumonia), "PNEUMONIA");
}

TEST(Dataset, FindsImagesAndSkipsJunkWithReasons) {
  TempDir dir;
  make_tree(dir.path());
  const auto scan = xray::scan_dataset(dir.str());
  ASSERT_TRUE(scan.ok()) << scan.error().message;

  EXPECT_EQ(scan->root, dir.str());
  EXPECT_EQ(scan->splits, (std::vector<std::string>{"train", "val"}));
  ASSERT_EQ(scan->samples.size(), 7u);

  // Sorted by split, then label, then path.
  std::vector<std::string> names;
  for (const auto& s : scan->samples) names.push_back(fs::path(s.path).filename().string());
  EXPECT_EQ(names, (std::vector<std::string>{
                       "IM-0001-0001.jpeg", "IM-0001-0002.jpeg", "NORMAL2-IM-0005-0001.png",
                       "person1_bacteria_1.jpeg", "person1_virus_2.JPG", "person2_bacteria_3.jpeg",
                       "IM-0100-0001.jpeg"}));
  EXPECT_EQ(scan->samples[0].split, "train");
  EXPECT_EQ(scan->samples[0].label, Label::kNormal);
  EXPECT_EQ(scan->samples[3].label, Label::kPneumonia);
  EXPECT_EQ(scan->samples[6].split, "val");
  EXPECT_EQ(scan->samples[0].path, (dir.path() / "train" / "NORMAL" / "IM-0001-0001.jpeg").generic_string());

  std::vector<std::string> patients;
  for (const auto& s : scan->samples) patients.push_back(s.patient_id);
  EXPECT_EQ(patients, (std::vector<std::string>{"IM-0001", "IM-0001", "NORMAL2-IM-0005", "person1",
                                                "person1", "person2", "IM-0100"}));

  const auto skipped = skipped_by_name(*scan);
  // train/.DS_Store and train/NORMAL/.DS_Store share a name in this map.
  ASSERT_EQ(scan->skipped.size(), 8u);
  ASSERT_EQ(skipped.size(), 7u);
  EXPECT_EQ(scan->skipped[0].path, dir.str() + "/train/.DS_Store");
  EXPECT_EQ(scan->skipped[0].reason, "hidden file");
  EXPECT_EQ(skipped.at(".DS_Store").find("hidden file"), 0u);
  EXPECT_NE(skipped.at("._IM-0001-0001.jpeg").find("hidden file"), std::string::npos);
  EXPECT_NE(skipped.at("empty.jpeg").find("empty file"), std::string::npos);
  EXPECT_NE(skipped.at("page.jpeg").find("first bytes 3c 21 44 4f"), std::string::npos)
      << skipped.at("page.jpeg");
  EXPECT_NE(skipped.at("readme.txt").find(".txt"), std::string::npos);
  EXPECT_NE(skipped.at(".ipynb_checkpoints").find("hidden folder"), std::string::npos);
  EXPECT_NE(skipped.at("extra").find("folder"), std::string::npos);
  // Nothing inside skipped folders is read.
  EXPECT_EQ(skipped.count("IM-0001-0001-checkpoint.jpeg"), 0u);
  // Skipped list is sorted by path: deterministic.
  EXPECT_TRUE(std::is_sorted(scan->skipped.begin(), scan->skipped.end(),
                             [](const auto& a, const auto& b) { return a.path < b.path; }));

  EXPECT_TRUE(has_note(*scan, "no test/ folder")) << notes_of(*scan);
  EXPECT_TRUE(has_note(*scan, "val/PNEUMONIA/ is empty")) << notes_of(*scan);
}

TEST(Dataset, WithoutContentCheckTrustsNamesButStillSkipsEmptyFiles) {
  TempDir dir;
  make_tree(dir.path());
  xray::ScanOptions options;
  options.check_contents = false;
  const auto scan = xray::scan_dataset(dir.str(), options);
  ASSERT_TRUE(scan.ok()) << scan.error().message;
  EXPECT_EQ(scan->samples.size(), 8u);  // page.jpeg now counts
  const auto skipped = skipped_by_name(*scan);
  EXPECT_EQ(skipped.count("page.jpeg"), 0u);
  EXPECT_EQ(skipped.count("empty.jpeg"), 1u);
}

TEST(Dataset, ScanIsDeterministic) {
  TempDir dir;
  make_tree(dir.path());
  const auto a = xray::scan_dataset(dir.str());
  const auto b = xray::scan_dataset(dir.str());
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(xray::report_json(*a), xray::report_json(*b));
  EXPECT_EQ(xray::report_text(*a), xray::report_text(*b));
}

TEST(Dataset, DescendsIntoKaggleZipNesting) {
  TempDir dir;
  // unzip chest-xray-pneumonia.zip: chest_xray/{train,test,val}, chest_xray/chest_xray/..., __MACOSX/
  write(dir.path() / "chest_xray" / "train" / "NORMAL" / "IM-0001-0001.jpeg", small_jpeg(1));
  write(dir.path() / "chest_xray" / "test" / "PNEUMONIA" / "person3_virus_9.jpeg", small_jpeg(2));
  write(dir.path() / "chest_xray" / "chest_xray" / "train" / "NORMAL" / "IM-0001-0001.jpeg", small_jpeg(1));
  write(dir.path() / "__MACOSX" / "chest_xray" / "train" / "NORMAL" / "._IM-0001-0001.jpeg", {0, 5});

  const auto scan = xray::scan_dataset(dir.str());
  ASSERT_TRUE(scan.ok()) << scan.error().message;
  EXPECT_EQ(scan->root, (dir.path() / "chest_xray").generic_string());
  EXPECT_EQ(scan->splits, (std::vector<std::string>{"train", "test"}));
  EXPECT_EQ(scan->samples.size(), 2u);
  EXPECT_TRUE(has_note(*scan, "descended into chest_xray/")) << notes_of(*scan);
  EXPECT_TRUE(has_note(*scan, "train/PNEUMONIA/ is missing")) << notes_of(*scan);
  EXPECT_TRUE(has_note(*scan, "no val/ folder")) << notes_of(*scan);

  // Pointing at chest_xray/ itself: no descent, no note.
  const auto direct = xray::scan_dataset((dir.path() / "chest_xray").generic_string());
  ASSERT_TRUE(direct.ok()) << direct.error().message;
  EXPECT_FALSE(has_note(*direct, "descended")) << notes_of(*direct);
  EXPECT_EQ(direct->samples.size(), 2u);
}

TEST(Dataset, DescendsTwiceWhenOnlyTheInnerCopyHoldsData) {
  TempDir dir;
  write(dir.path() / "chest_xray" / "chest_xray" / "val" / "PNEUMONIA" / "person1_virus_1.jpeg", small_jpeg(1));
  const auto scan = xray::scan_dataset(dir.str());
  ASSERT_TRUE(scan.ok()) << scan.error().message;
  EXPECT_TRUE(has_note(*scan, "descended into chest_xray/chest_xray/")) << notes_of(*scan);
  EXPECT_EQ(scan->splits, (std::vector<std::string>{"val"}));
}

TEST(Dataset, WrongFolderIsAnErrorThatSaysWhatWasFound) {
  TempDir dir;
  write(dir.path() / "photos" / "cat.jpeg", small_jpeg(1));
  write_text(dir.path() / "notes.txt", "hello");
  const auto scan = xray::scan_dataset(dir.str());
  ASSERT_FALSE(scan.ok());
  EXPECT_EQ(scan.error().code, xray::ErrorCode::kIo);
  const std::string& m = scan.error().message;
  EXPECT_NE(m.find(dir.str()), std::string::npos) << m;
  EXPECT_NE(m.find("train/"), std::string::npos) << m;
  EXPECT_NE(m.find("NORMAL/"), std::string::npos) << m;
  EXPECT_NE(m.find("photos/"), std::string::npos) << m;
  EXPECT_NE(m.find("notes.txt"), std::string::npos) << m;
}

TEST(Dataset, SplitFolderWithoutClassFoldersIsExplained) {
  TempDir dir;
  write(dir.path() / "train" / "a.jpeg", small_jpeg(1));
  const auto scan = xray::scan_dataset(dir.str());
  ASSERT_FALSE(scan.ok());
  EXPECT_NE(scan.error().message.find("train/ has no NORMAL/ or PNEUMONIA/"), std::string::npos)
      << scan.error().message;
  EXPECT_NE(scan.error().message.find("a.jpeg"), std::string::npos) << scan.error().message;
}

TEST(Dataset, MissingOrEmptyFolderIsAnError) {
  TempDir dir;
  const auto missing = xray::scan_dataset((dir.path() / "nope").generic_string());
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("no such folder"), std::string::npos);

  const auto empty = xray::scan_dataset(dir.str());
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.error().message.find("empty"), std::string::npos) << empty.error().message;

  write_text(dir.path() / "file.jpeg", "x");
  const auto file = xray::scan_dataset((dir.path() / "file.jpeg").generic_string());
  ASSERT_FALSE(file.ok());
  EXPECT_NE(file.error().message.find("is a file"), std::string::npos);
}

TEST(Dataset, ClassFolderWithOnlyJunkGetsANote) {
  TempDir dir;
  write(dir.path() / "train" / "NORMAL" / "IM-0001-0001.jpeg", small_jpeg(1));
  write(dir.path() / "train" / "PNEUMONIA" / ".DS_Store", {1, 2, 3});
  const auto scan = xray::scan_dataset(dir.str());
  ASSERT_TRUE(scan.ok()) << scan.error().message;
  EXPECT_TRUE(has_note(*scan, "train/PNEUMONIA/ has no usable images")) << notes_of(*scan);
}

TEST(Dataset, OnlyTheAskedSplitsAreRead) {
  TempDir dir;
  make_tree(dir.path());
  xray::ScanOptions options;
  options.splits = {"val"};
  const auto scan = xray::scan_dataset(dir.str(), options);
  ASSERT_TRUE(scan.ok()) << scan.error().message;
  EXPECT_EQ(scan->splits, (std::vector<std::string>{"val"}));
  EXPECT_EQ(scan->samples.size(), 1u);
  EXPECT_TRUE(scan->skipped.empty());

  options.splits = {"test"};
  EXPECT_FALSE(xray::scan_dataset(dir.str(), options).ok());

  options.splits = {"training"};
  const auto unknown = xray::scan_dataset(dir.str(), options);
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message.find("\"training\""), std::string::npos);
}

TEST(Dataset, UnreadableFolderIsReportedNotThrown) {
#if defined(_WIN32)
  GTEST_SKIP() << "POSIX permissions only";
#else
  if (::geteuid() == 0) GTEST_SKIP() << "running as root: permissions do not stop reads";
  TempDir dir;
  make_tree(dir.path());
  const fs::path locked = dir.path() / "train" / "PNEUMONIA";
  fs::permissions(locked, fs::perms::none);
  const auto scan = xray::scan_dataset(dir.str());
  fs::permissions(locked, fs::perms::owner_all);
  ASSERT_TRUE(scan.ok()) << scan.error().message;
  bool reported = false;
  for (const auto& s : scan->skipped) {
    reported |= s.reason.find("cannot list folder") != std::string::npos;
  }
  EXPECT_TRUE(reported);
#endif
}

TEST(Dataset, CountsAndReports) {
  TempDir dir;
  make_tree(dir.path());
  const auto scan = xray::scan_dataset(dir.str());
  ASSERT_TRUE(scan.ok()) << scan.error().message;

  const auto counts = xray::count_by_split(*scan);
  ASSERT_EQ(counts.size(), 2u);
  EXPECT_EQ(counts[0].first, "train");
  EXPECT_EQ(counts[0].second.normal, 3);
  EXPECT_EQ(counts[0].second.pneumonia, 3);
  EXPECT_EQ(counts[1].first, "val");
  EXPECT_EQ(counts[1].second.normal, 1);
  EXPECT_EQ(counts[1].second.pneumonia, 0);

  const nlohmann::json j = xray::report_json(*scan);
  EXPECT_EQ(j["root"], dir.str());
  ASSERT_EQ(j["splits"].size(), 2u);
  EXPECT_EQ(j["splits"][0]["split"], "train");
  EXPECT_EQ(j["splits"][0]["images"]["NORMAL"], 3);
  EXPECT_EQ(j["splits"][0]["images"]["total"], 6);
  EXPECT_EQ(j["splits"][0]["patients"]["NORMAL"], 2);  // IM-0001, NORMAL2-IM-0005
  EXPECT_EQ(j["splits"][0]["patients"]["PNEUMONIA"], 2);  // person1, person2
  EXPECT_DOUBLE_EQ(j["splits"][0]["imbalance"].get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(j["splits"][1]["imbalance"].get<double>(), 0.0);
  EXPECT_EQ(j["total"]["images"]["total"], 7);
  EXPECT_EQ(j["skipped"].size(), 8u);
  EXPECT_EQ(j["notes"].size(), scan->notes.size());

  const std::string text = xray::report_text(*scan);
  EXPECT_NE(text.find("split  NORMAL  PNEUMONIA  total  patients N  patients P"), std::string::npos) << text;
  EXPECT_NE(text.find("train       3          3      6           2           2"), std::string::npos) << text;
  EXPECT_NE(text.find("Imbalance (PNEUMONIA / NORMAL images): train 1.00, val 0.00, all 0.75"),
            std::string::npos) << text;
  EXPECT_NE(text.find("train/NORMAL/page.jpeg"), std::string::npos) << text;
  EXPECT_NE(text.find("Skipped files: 8"), std::string::npos) << text;
  EXPECT_EQ(text.find("more"), std::string::npos) << text;
}

TEST(Dataset, TextReportListsAtMostTwentySkippedFiles) {
  TempDir dir;
  write(dir.path() / "train" / "PNEUMONIA" / "person1_virus_1.jpeg", small_jpeg(1));
  for (int i = 0; i < 25; ++i) write_text(dir.path() / "train" / "NORMAL" / ("note" + std::to_string(i) + ".txt"), "x");
  const auto scan = xray::scan_dataset(dir.str());
  ASSERT_TRUE(scan.ok()) << scan.error().message;
  EXPECT_EQ(scan->skipped.size(), 25u);
  const std::string text = xray::report_text(*scan);
  EXPECT_NE(text.find("... and 5 more"), std::string::npos) << text;
  EXPECT_NE(text.find("train n/a (no NORMAL images)"), std::string::npos) << text;
}

// The real development data, when the team kit is present beside the repository.
namespace {

// XRAY_DATA_DIR from the environment, else the compile definition of that name (if the build
// passes one), else the first ancestor of the working directory holding shared/data/chest_xray_224
// (ctest runs in build/tests, by hand one often runs from the repository root).
std::string data_dir() {
  if (const char* env = std::getenv("XRAY_DATA_DIR"); env != nullptr && *env != '\0') return env;
#if defined(XRAY_DATA_DIR)
  return XRAY_DATA_DIR;
#else
  std::error_code ec;
  for (fs::path dir = fs::current_path(ec); !ec && !dir.empty(); dir = dir.parent_path()) {
    const fs::path candidate = dir / "shared" / "data";
    std::error_code probe_ec;  // "not there" must not end the walk
    if (fs::is_directory(candidate / "chest_xray_224", probe_ec)) return candidate.generic_string();
    if (dir == dir.parent_path()) break;
  }
  return "../../../shared/data";
#endif
}

}  // namespace

TEST(DatasetRealData, ScanCountsAndPatientSplit) {
  const fs::path root = fs::path(data_dir()) / "chest_xray_224";
  std::error_code ec;
  if (!fs::is_directory(root, ec)) {
    GTEST_SKIP() << root.generic_string() << " not found; set XRAY_DATA_DIR to the folder holding chest_xray_224/";
  }
  xray::ScanOptions options;
  options.check_contents = true;
  const auto scan = xray::scan_dataset(root.generic_string(), options);
  ASSERT_TRUE(scan.ok()) << scan.error().message;
  const auto counts = xray::count_by_split(*scan);
  ASSERT_FALSE(counts.empty());
  ASSERT_EQ(counts[0].first, "train");
  EXPECT_EQ(counts[0].second.normal, 1341);
  EXPECT_EQ(counts[0].second.pneumonia, 3875);
  EXPECT_TRUE(scan->skipped.empty()) << xray::report_text(*scan);
  std::cout << xray::report_text(*scan);

  std::vector<xray::Sample> train;
  for (const auto& s : scan->samples) {
    if (s.split == "train") train.push_back(s);
  }
  const auto split = xray::split_by_patient(train, 0.15, 42);
  ASSERT_TRUE(split.ok()) << split.error().message;
  EXPECT_EQ(split->train.size() + split->val.size(), train.size());
  std::set<std::string> train_patients, val_patients;
  std::int64_t val_normal = 0, val_pneumonia = 0;
  for (std::size_t i : split->train) train_patients.insert(train[i].patient_id);
  for (std::size_t i : split->val) {
    val_patients.insert(train[i].patient_id);
    (train[i].label == Label::kNormal ? val_normal : val_pneumonia) += 1;
  }
  for (const auto& p : val_patients) EXPECT_EQ(train_patients.count(p), 0u) << p;
  EXPECT_NEAR(val_normal / 1341.0, 0.15, 0.005);
  EXPECT_NEAR(val_pneumonia / 3875.0, 0.15, 0.005);
  std::cout << "val: " << val_normal << " NORMAL, " << val_pneumonia << " PNEUMONIA images, "
            << val_patients.size() << " patients; train: " << train_patients.size() << " patients\n";
}

// Provenance for the model card: said by the data (dataset.json), recognised, or unknown.
namespace {

void touch(const fs::path& p) {
  fs::create_directories(p.parent_path());
  xray::test::write_bytes(p.string(), {1});
}

std::vector<std::string> kermany_names(const fs::path& root) {
  std::vector<std::string> paths;
  for (int i = 1; i <= 10; ++i) {
    paths.push_back((root / "train/NORMAL" / ("IM-00" + std::to_string(10 + i) + "-0001.jpeg")).string());
    paths.push_back((root / "train/PNEUMONIA" / ("person" + std::to_string(i) + "_virus_" + std::to_string(i) + ".jpeg")).string());
  }
  paths.push_back((root / "train/NORMAL/NORMAL2-IM-1427-0001.jpeg").string());
  for (const auto& p : paths) touch(p);
  return paths;
}

}  // namespace

TEST(DataProvenance, DatasetJsonSaysWhatTheDataIs) {
  TempDir dir;
  const auto paths = kermany_names(dir.path());
  const std::string text = R"({"task": "T", "source": "S", "license": "L"})";
  xray::test::write_bytes((dir.path() / "dataset.json").string(), xray::test::Bytes(text.begin(), text.end()));
  auto p = xray::describe_data_source(dir.str(), paths);
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_EQ(p->task, "T");
  EXPECT_EQ(p->source, "S");
  EXPECT_EQ(p->licence, "L");
  EXPECT_EQ(p->how, "dataset.json");
  xray::test::write_bytes((dir.path() / "dataset.json").string(), {'[', ']'});
  auto bad = xray::describe_data_source(dir.str(), paths);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("\"task\", \"source\" and \"licence\""), std::string::npos) << bad.error().message;
}

TEST(DataProvenance, TheKaggleDownloadIsRecognisedByItsFoldersAndNames) {
  TempDir dir;
  const auto paths = kermany_names(dir.path());
  auto without_test = xray::describe_data_source(dir.str(), paths);
  ASSERT_TRUE(without_test.ok());
  EXPECT_EQ(without_test->licence, "unknown") << "names alone are not enough";
  fs::create_directories(dir.path() / "test/NORMAL");
  auto p = xray::describe_data_source(dir.str(), paths);
  ASSERT_TRUE(p.ok());
  EXPECT_NE(p->source.find("Kermany"), std::string::npos);
  EXPECT_EQ(p->licence, "CC BY 4.0 (Kermany et al.)");
}

TEST(DataProvenance, OtherDataIsUnknownAndNamesItsFolder) {
  TempDir dir;
  auto paths = kermany_names(dir.path());
  fs::create_directories(dir.path() / "val");
  for (int i = 0; i < 3; ++i) {
    paths.push_back((dir.path() / "train/NORMAL" / ("scan_" + std::to_string(i) + ".png")).string());
    touch(paths.back());
  }
  auto p = xray::describe_data_source(dir.str(), paths);  // 21 of 24 names match: under 95%
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->licence, "unknown");
  EXPECT_NE(p->source.find(xray::folder_name(dir.str())), std::string::npos) << p->source;
}
