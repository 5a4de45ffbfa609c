#include <gtest/gtest.h>

#include "xray/resize.h"

namespace xray {
namespace {

GrayImage make(int w, int h, std::uint8_t (*f)(int, int)) {
  GrayImage img{w, h, {}};
  img.pixels.resize(static_cast<std::size_t>(w) * h);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) img.pixels[static_cast<std::size_t>(y) * w + x] = f(x, y);
  return img;
}

TEST(Resize, ConstantStaysConstantAtAnyScale) {
  const GrayImage flat = make(1522, 1221, [](int, int) -> std::uint8_t { return 87; });
  for (auto [w, h] : {std::pair{224, 224}, {128, 128}, {1000, 999}, {3000, 2000}, {1, 1}, {7, 300}}) {
    const GrayImage out = resize_triangle(flat, w, h);
    ASSERT_EQ(out.width, w);
    ASSERT_EQ(out.height, h);
    for (std::uint8_t v : out.pixels) ASSERT_EQ(v, 87) << w << "x" << h;
  }
}

TEST(Resize, SameSizeIsIdentity) {
  const GrayImage img = make(31, 17, [](int x, int y) -> std::uint8_t { return (x * 37 + y * 91) & 255; });
  EXPECT_EQ(resize_triangle(img, 31, 17).pixels, img.pixels);
}

TEST(Resize, HalvingStripesMatchesHandComputedTent) {
  // Columns alternate 0, 255. At 2x the tent spans 4 inputs with weights 1/8, 3/8, 3/8, 1/8
  // (distances 1.5, 0.5, 0.5, 1.5 over a half-width of 2); inside, one 3/8 and one 1/8 fall on
  // 255: 0.5 * 255 = 127.5, rounded half up = 128. At the left edge only three inputs exist:
  // weights 3/8, 3/8, 1/8 renormalised to 3/7, 3/7, 1/7, of which the middle one is 255:
  // 255 * 3/7 = 109.29 -> 109.
  const GrayImage stripes = make(40, 4, [](int x, int) -> std::uint8_t { return x % 2 ? 255 : 0; });
  const GrayImage out = resize_triangle(stripes, 20, 4);
  EXPECT_EQ(out.at(0, 0), 109);
  for (int x = 1; x < 19; ++x) EXPECT_EQ(out.at(x, 2), 128) << "x=" << x;
}

TEST(Resize, SevenfoldDownscaleDoesNotAlias) {
  // A one-pixel checkerboard has no content a 224x224 image can show: an antialiased resize
  // gives flat mid-gray; point sampling or a 2-tap bilinear would give 0s and 255s.
  const GrayImage board = make(1600, 1300, [](int x, int y) -> std::uint8_t { return (x + y) % 2 ? 255 : 0; });
  const GrayImage out = resize_triangle(board, 224, 224);
  for (std::uint8_t v : out.pixels) {
    ASSERT_GE(v, 124);
    ASSERT_LE(v, 131);
  }
}

TEST(Resize, UpscaleInterpolatesLinearly) {
  // 2 -> 4: output centres at 0.25, 0.75, 1.25, 1.75 of the input grid (in input pixels).
  const GrayImage two = make(2, 1, [](int x, int) -> std::uint8_t { return x ? 200 : 100; });
  const GrayImage out = resize_triangle(two, 4, 1);
  EXPECT_EQ(out.pixels, (std::vector<std::uint8_t>{100, 125, 175, 200}));
}

TEST(Resize, LetterboxKeepsAspectAndPadsBlack) {
  const GrayImage wide = make(400, 200, [](int, int) -> std::uint8_t { return 180; });
  const GrayImage out = resize_letterbox(wide, 224, 224);
  ASSERT_EQ(out.width, 224);
  ASSERT_EQ(out.height, 224);
  for (int y = 0; y < 224; ++y) {
    const bool inside = y >= 56 && y < 168;
    EXPECT_EQ(out.at(100, y), inside ? 180 : 0) << "y=" << y;
  }
}

}  // namespace
}  // namespace xray
