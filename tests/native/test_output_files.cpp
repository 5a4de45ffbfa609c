// remove_folder (native/core/output_files.h) replaces std::filesystem::remove_all in the trainer's
// model-directory updates: it must remove a whole tree, never follow a link out of it, and take a
// missing path as done.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "output_files.h"

namespace fs = std::filesystem;

namespace {

fs::path fresh_folder(const std::string& name) {
  const fs::path p = fs::temp_directory_path() / (name + "-" + std::to_string(::getpid()));
  std::error_code ec;
  fs::remove_all(p, ec);  // the test binary does not link LibTorch
  fs::create_directories(p);
  return p;
}

void write(const fs::path& p, const std::string& text) { std::ofstream(p) << text; }

TEST(RemoveFolder, RemovesANestedTreeAndLeavesWhatLinksPointTo) {
  const fs::path outside = fresh_folder("xray-remove-outside");
  write(outside / "keep.txt", "keep");
  const fs::path tree = fresh_folder("xray-remove-tree");
  fs::create_directories(tree / "a" / "b" / "c");
  write(tree / "model.pt", "weights");
  write(tree / "a" / "b" / "c" / "deep.txt", "deep");
  fs::create_hard_link(tree / "model.pt", tree / "a" / "hard-link.pt");
  fs::create_symlink(outside, tree / "a" / "link-to-outside");
  fs::create_symlink(outside / "keep.txt", tree / "link-to-file");

  EXPECT_TRUE(xray::remove_folder(tree.string()));
  EXPECT_FALSE(fs::exists(fs::symlink_status(tree)));
  EXPECT_TRUE(fs::exists(outside / "keep.txt")) << "a link inside the tree was followed";
  fs::remove_all(outside);
}

TEST(RemoveFolder, AMissingPathIsDoneAndAFileIsRemoved) {
  const fs::path folder = fresh_folder("xray-remove-missing");
  EXPECT_TRUE(xray::remove_folder((folder / "never-made").string()));
  write(folder / "single.txt", "x");
  EXPECT_TRUE(xray::remove_folder((folder / "single.txt").string()));
  EXPECT_FALSE(fs::exists(folder / "single.txt"));
  EXPECT_TRUE(xray::remove_folder(folder.string()));
  EXPECT_FALSE(fs::exists(folder));
}

}  // namespace
