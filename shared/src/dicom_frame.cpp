// The first frame of a DICOM file as stored samples: uncompressed, RLE or JPEG lossless.
#include <cstdint>
#include <string>

#include "dicom.h"
#include "jpeg_lossless.h"
#include "rle_lossless.h"
#include "sizes.h"

namespace xray {
namespace {

Error corrupt(const std::string& why) { return Error{ErrorCode::kCorrupt, "corrupt DICOM: " + why}; }

bool starts_jpeg(const ByteSpan& fragment) {
  return fragment.size >= 2 && fragment.data[0] == 0xFF && fragment.data[1] == 0xD8;
}

// Interleaved samples from uncompressed bytes (8-bit, or 16-bit little endian), planar or not.
Expected<DicomSamples> read_samples(const std::uint8_t* bytes, const DicomPixelModule& m, bool planar) {
  DicomSamples out;
  out.width = m.columns;
  out.height = m.rows;
  out.samples_per_pixel = m.samples_per_pixel;
  const int spp = m.samples_per_pixel;
  auto size = buffer_bytes(static_cast<std::uint64_t>(m.columns) * m.rows * spp, sizeof(std::uint16_t), "the DICOM frame");
  if (!size) return size.error();
  const std::size_t pixels = static_cast<std::size_t>(m.columns) * m.rows;  // fits: size did
  out.values.resize(*size / sizeof(std::uint16_t));
  const bool wide = m.bits_allocated == 16;
  for (std::size_t p = 0; p < pixels; ++p) {
    for (int c = 0; c < spp; ++c) {
      const std::size_t from = planar ? c * pixels + p : p * spp + c;
      out.values[p * spp + c] =
          wide ? static_cast<std::uint16_t>(bytes[2 * from] | (bytes[2 * from + 1] << 8)) : bytes[from];
    }
  }
  return out;
}

std::uint64_t frame_size(const DicomPixelModule& m) {
  return static_cast<std::uint64_t>(m.rows) * m.columns * m.samples_per_pixel * (m.bits_allocated / 8);
}

}  // namespace

Expected<std::vector<std::uint8_t>> first_frame_bytes(const DicomFile& file) {
  const std::vector<ByteSpan>& fragments = file.fragments;
  std::vector<bool> take(fragments.size(), false);
  if (file.offsets.size() >= 2 && file.pixels.number_of_frames > 1) {
    // Offsets count from the first fragment's item tag; each item has an 8-byte header.
    std::uint64_t position = 0;
    for (std::size_t i = 0; i < fragments.size(); ++i) {
      take[i] = position >= file.offsets[0] && position < file.offsets[1];
      position += 8 + fragments[i].size;
    }
  } else if (file.pixels.number_of_frames == 1) {
    take.assign(fragments.size(), true);
  } else {
    take[0] = true;  // RLE: one fragment per frame; JPEG: until the next start of image
    const bool jpeg = file.syntax.encoding != PixelEncoding::kRle;
    for (std::size_t i = 1; jpeg && i < fragments.size() && !starts_jpeg(fragments[i]); ++i) take[i] = true;
  }
  std::vector<std::uint8_t> bytes;
  for (std::size_t i = 0; i < fragments.size(); ++i) {
    if (take[i]) bytes.insert(bytes.end(), fragments[i].data, fragments[i].data + fragments[i].size);
  }
  if (bytes.empty()) return corrupt("no pixel data fragment holds the first frame");
  return bytes;
}

Expected<DicomSamples> decode_first_frame(const DicomFile& file) {
  const DicomPixelModule& m = file.pixels;
  if (file.syntax.encoding == PixelEncoding::kNative) {
    const std::uint64_t needed = frame_size(m);
    if (file.native_pixels.size < needed) {
      return Error{ErrorCode::kTruncated,
                   "truncated DICOM: Pixel Data holds " + std::to_string(file.native_pixels.size) + " bytes; a " +
                       std::to_string(m.columns) + "x" + std::to_string(m.rows) + " frame needs " +
                       std::to_string(needed)};
    }
    return read_samples(file.native_pixels.data, m, m.samples_per_pixel == 3 && m.planar_configuration == 1);
  }
  auto bytes = first_frame_bytes(file);
  if (!bytes) return bytes.error();
  if (file.syntax.encoding == PixelEncoding::kRle) {
    auto unpacked = decode_dicom_rle(bytes->data(), bytes->size(), m.columns, m.rows, m.samples_per_pixel,
                                     m.bits_allocated / 8);
    if (!unpacked) return unpacked.error();
    return read_samples(unpacked->data(), m, false);
  }
  if (file.syntax.encoding == PixelEncoding::kJpegLossless) {
    auto image = decode_jpeg_lossless(bytes->data(), bytes->size(), m.columns, m.rows, m.samples_per_pixel);
    if (!image) return image.error();
    DicomSamples out;
    out.width = image->width;
    out.height = image->height;
    out.samples_per_pixel = image->components;
    out.values = std::move(image->samples);
    return out;
  }
  return Error{ErrorCode::kUnsupported, "JPEG baseline frames decode to gray directly (dicom_gray.cpp)"};
}

}  // namespace xray
