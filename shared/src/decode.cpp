#include "xray/decode.h"

#include <stb/stb_image.h>

#include <memory>
#include <string>

#include "dicom.h"
#include "pnm.h"
#include "probes.h"
#include "xray/gray.h"

namespace xray {
namespace {

struct StbFree {
  void operator()(void* p) const { stbi_image_free(p); }
};

// stb_image's loaders for 8- and 16-bit samples, behind one name.
stbi_uc* stb_load(const stbi_uc* d, int n, int* w, int* h, int* c, int want, stbi_uc*) {
  return stbi_load_from_memory(d, n, w, h, c, want);
}
stbi_us* stb_load(const stbi_uc* d, int n, int* w, int* h, int* c, int want, stbi_us*) {
  return stbi_load_16_from_memory(d, n, w, h, c, want);
}

// Ask stb for exactly the channels the probe saw, so the buffer layout never depends on stb's
// own reporting (which, for PNGs with tRNS, under-counts the alpha it adds).
template <typename Sample>
Expected<GrayImage> decode_with_stb(const std::uint8_t* data, std::size_t size, const ImageInfo& info) {
  const int wanted = info.channels == 4 && info.format == ImageFormat::kJpeg ? 3 : info.channels;
  if (size > 0x7fffffff) return Error{ErrorCode::kTooLarge, "file over 2 GB"};
  int w = 0, h = 0, stored = 0;
  std::unique_ptr<Sample, StbFree> px(
      stb_load(data, static_cast<int>(size), &w, &h, &stored, wanted, static_cast<Sample*>(nullptr)));
  if (!px) {
    return Error{ErrorCode::kCorrupt, std::string("corrupt ") + image_format_name(info.format) +
                                          ": the decoder says \"" + stbi_failure_reason() + "\""};
  }
  if (w != info.width || h != info.height) {
    return Error{ErrorCode::kCorrupt, "decoded size differs from the header"};
  }
  return to_gray(px.get(), w, h, wanted);
}

}  // namespace

Expected<DecodedImage> decode_gray(const std::uint8_t* data, std::size_t size, const DecodeLimits& limits) {
  auto probed = probe_image(data, size);
  if (!probed) return probed.error();
  auto info = check_limits(*probed, limits);
  if (!info) return info.error();

  DecodedImage out;
  out.info = *info;
  if (info->format == ImageFormat::kDicom) {
    auto file = parse_dicom(data, size);
    if (!file) return file.error();
    auto gray = decode_dicom_gray(*file, limits);
    if (!gray) return gray.error();
    out.gray = std::move(*gray);
    return out;
  }
  if (info->format == ImageFormat::kPnm) {
    auto header = parse_pnm_header(data, size);
    if (!header) return header.error();
    out.gray = decode_pnm_gray(data, *header);
    return out;
  }
  if (info->format == ImageFormat::kBmp) {
    auto palette = check_bmp_palette_indices(data, size);
    if (!palette) return palette.error();
  }
  auto gray = info->bits_per_channel == 16 ? decode_with_stb<stbi_us>(data, size, *info)
                                            : decode_with_stb<stbi_uc>(data, size, *info);
  if (!gray) return gray.error();
  out.gray = std::move(*gray);
  return out;
}

}  // namespace xray
