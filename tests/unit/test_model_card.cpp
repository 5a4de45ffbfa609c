// The model card reader shared by the CLI and the page: what it accepts, what it refuses and why.
#include <gtest/gtest.h>

#include <string>

#include "xray/model_card.h"

namespace xray {
namespace {

const std::string kPreprocess = R"("preprocess": {"version": 1, "width": 128, "height": 128, "resize": "stretch", "mean": 0.5, "std": 0.25})";

std::string card(const std::string& extra) {
  return "{" + kPreprocess + R"(, "card_version": 2, "threshold": 0.9)" + (extra.empty() ? "" : ", " + extra) + "}";
}

void refused(const std::string& text, const std::string& words) {
  auto c = read_model_card_essentials(text);
  ASSERT_FALSE(c.ok()) << text;
  EXPECT_NE(c.error().message.find(words), std::string::npos) << c.error().message;
}

TEST(ModelCard, ReadsWhatConsumersActOn) {
  auto c = read_model_card_essentials(card(R"("labels": ["healthy", "sick"],
      "calibration": {"method": "platt", "a": 1.5, "b": -2},
      "ood": {"limit": 3, "colour_limit": 0.05},
      "files": {"model.pt": {"sha256": "abc"}, "model.onnx": {"sha256": "def", "bytes": 10}})"));
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->card_version, 2);
  EXPECT_EQ(c->preprocess.width, 128);
  EXPECT_DOUBLE_EQ(c->threshold, 0.9);
  EXPECT_EQ(c->labels, (std::vector<std::string>{"healthy", "sick"}));
  EXPECT_TRUE(c->calibrated);
  EXPECT_DOUBLE_EQ(c->calibration_a, 1.5);
  EXPECT_DOUBLE_EQ(c->calibration_b, -2);
  EXPECT_TRUE(c->has_ood_gate);
  EXPECT_DOUBLE_EQ(c->ood_limit, 3);
  EXPECT_DOUBLE_EQ(c->colour_limit, 0.05);
  EXPECT_EQ(c->sha256_of("model.onnx"), "def");
  EXPECT_EQ(c->sha256_of("model.bin"), "");
}

TEST(ModelCard, OptionalPartsTakeTheirDefaults) {
  auto c = read_model_card_essentials("{" + kPreprocess + R"(, "threshold": 0.5, "calibration": "none"})");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->card_version, 1);
  EXPECT_FALSE(c->calibrated);
  EXPECT_FALSE(c->has_ood_gate);
  EXPECT_EQ(c->labels, (std::vector<std::string>{"NORMAL", "PNEUMONIA"}));
}

TEST(ModelCard, RefusalsSayWhatIsWrong) {
  refused("[1, 2]", "not a JSON object");
  refused("{not json", "not a JSON object");
  refused(R"({"threshold": 0.5})", "no \"preprocess\"");
  refused("{" + kPreprocess + "}", "\"threshold\" must be a number in [0, 1]");
  refused("{" + kPreprocess + R"(, "threshold": 1.5})", "\"threshold\" must be a number in [0, 1]");
  refused(card(R"("labels": ["one"])"), "\"labels\" must be two strings");
  refused(card(R"("calibration": {"a": 1})"), "\"calibration\" needs finite numbers");
  refused(card(R"("ood": {"method": "x"})"), "\"ood\" needs a positive number \"limit\"");
  refused(card(R"("ood": {"limit": -1})"), "\"ood\" needs a positive number \"limit\"");
  refused("{" + kPreprocess + R"(, "card_version": 3, "threshold": 0.5})", "newer than this reader");
  refused("{" + kPreprocess + R"(, "card_version": "2", "threshold": 0.5})", "\"card_version\" must be a positive integer");
  refused("{" + kPreprocess + R"(, "card_version": 4294967297, "threshold": 0.5})", "\"card_version\" must be a positive integer");
  refused(card(R"("ood": {"limit": 3, "colour_limit": "5%"})"), "\"ood.colour_limit\" must be a number");
}

}  // namespace
}  // namespace xray
