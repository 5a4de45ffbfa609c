// The model card reader shared by the CLI and the page: what it accepts, what it refuses and why.
#include <gtest/gtest.h>

#include <limits>
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

TEST(ModelCard, ReadsTheGatesOutputName) {
  auto named = read_model_card_essentials(card(R"("ood": {"limit": 3, "output": "mahalanobis"})"));
  ASSERT_TRUE(named.ok()) << named.error().message;
  EXPECT_EQ(named->ood_output, "mahalanobis");
  auto unnamed = read_model_card_essentials(card(R"("ood": {"limit": 3})"));
  ASSERT_TRUE(unnamed.ok());
  EXPECT_EQ(unnamed->ood_output, "ood_score");
  refused(card(R"("ood": {"limit": 3, "output": 7})"), "\"ood.output\" must be the name of a model output");
  refused(card(R"("ood": {"limit": 3, "output": ""})"), "\"ood.output\" must be the name of a model output");
}

// The gate's rule, by hand: what each combination of score, limit and colour gives.
TEST(GateVerdict, FlagsByScoreThenByColour) {
  const double nan = std::numeric_limits<double>::quiet_NaN(), inf = std::numeric_limits<double>::infinity();
  struct Case {
    bool runs;
    double score, limit, colour, colour_limit;
    bool ood, in_colour;
  };
  const Case cases[] = {
      {false, 99, 3, 0.9, 0.05, false, false},  // no gate: never flagged
      {true, 2.9, 3, 0.0, 0.05, false, false},  // under the limit, gray
      {true, 3.0, 3, 0.0, 0.05, false, false},  // at the limit passes (flagged only above it)
      {true, 3.1, 3, 0.0, 0.05, true, false},   // over the limit
      {true, nan, 3, 0.0, 0.05, true, false},   // no usable score: flagged
      {true, 2.0, 3, 0.06, 0.05, true, true},   // colour alone flags it, and is the reason
      {true, 2.0, 3, 0.05, 0.05, false, false}, // at the colour limit passes
      {true, 4.0, 3, 0.9, 0.05, true, false},   // over the limit and coloured: the score is the reason
      {true, 2.0, 3, 0.9, inf, false, false},   // the card sets no colour limit
      {true, 2.0, 3, 0.9, nan, false, false},   // nor here (the page's way of saying none)
  };
  for (const Case& c : cases) {
    const GateVerdict v = gate_verdict(c.runs, c.score, c.limit, c.colour, c.colour_limit);
    EXPECT_EQ(v.out_of_distribution, c.ood) << c.runs << " " << c.score << " " << c.colour << " " << c.colour_limit;
    EXPECT_EQ(v.in_colour, c.in_colour) << c.runs << " " << c.score << " " << c.colour << " " << c.colour_limit;
  }
}

}  // namespace
}  // namespace xray
