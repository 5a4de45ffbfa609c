// DICOM Part 10 files: the container (dicom_parse.cpp), the transfer syntaxes this library
// decodes (dicom_transfer_syntax.cpp), the first frame's samples (dicom_frame.cpp) and the rule
// that brings them to 8-bit gray (dicom_gray.cpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "xray/expected.h"
#include "xray/image.h"
#include "xray/image_probe.h"

namespace xray {

// How the pixel data of a transfer syntax is stored. kJpegBaseline: 8-bit DCT JPEG (baseline, and
// extended or progressive in their 8-bit form), decoded as a .jpg file would be.
enum class PixelEncoding { kNative, kJpegBaseline, kJpegLossless, kRle };

struct TransferSyntax {
  std::string uid;
  const char* name = "";
  bool implicit_vr = false;
  PixelEncoding encoding = PixelEncoding::kNative;
};

// Known and decodable, or an error naming the syntax ("unsupported DICOM transfer syntax
// 1.2.840.10008.1.2.4.90 (JPEG 2000)").
Expected<TransferSyntax> find_transfer_syntax(const std::string& uid);

struct ByteSpan {
  const std::uint8_t* data = nullptr;
  std::size_t size = 0;
};

// The Image Pixel module and the grayscale transforms, as read from the top-level data set.
struct DicomPixelModule {
  int rows = 0;
  int columns = 0;
  int samples_per_pixel = 1;
  int bits_allocated = 0;
  int bits_stored = 0;
  int high_bit = -1;             // -1 until read: then BitsStored - 1
  int pixel_representation = 0;  // 1: two's complement samples
  int planar_configuration = 0;  // 1: colour planes one after another
  int number_of_frames = 1;
  std::string photometric;       // MONOCHROME1, MONOCHROME2, RGB, YBR_FULL, YBR_FULL_422
  double rescale_slope = 1;
  double rescale_intercept = 0;
  bool has_window_center = false;  // the first Window Center / Width pair
  bool has_window_width = false;
  double window_center = 0;
  double window_width = 0;
  std::string voi_lut_function;  // LINEAR (default), LINEAR_EXACT, SIGMOID

  bool has_window() const { return has_window_center && has_window_width; }
};

struct DicomFile {
  TransferSyntax syntax;
  DicomPixelModule pixels;
  ByteSpan native_pixels;              // PixelEncoding::kNative
  std::vector<std::uint32_t> offsets;  // encapsulated: the Basic Offset Table (may be empty)
  std::vector<ByteSpan> fragments;     // encapsulated: every fragment after the offset table
};

// Walks the whole container, bounds-checked, and validates the pixel description; decodes nothing.
Expected<DicomFile> parse_dicom(const std::uint8_t* data, std::size_t size);

// The probe's view of a DICOM file (format, size, samples, bits stored).
Expected<ImageInfo> probe_dicom(const std::uint8_t* data, std::size_t size);

// The first frame's compressed bytes (encapsulated syntaxes): its fragments joined, found through
// the offset table, or for a multi-frame file without one, by where the next frame starts.
Expected<std::vector<std::uint8_t>> first_frame_bytes(const DicomFile& file);

// The first frame's samples as stored (before any grayscale transform), interleaved, one uint16
// per sample. Native, RLE and JPEG lossless syntaxes; call after check_limits on the file's size.
struct DicomSamples {
  int width = 0;
  int height = 0;
  int samples_per_pixel = 1;
  std::vector<std::uint16_t> values;
};
Expected<DicomSamples> decode_first_frame(const DicomFile& file);

// The 8-bit gray image of the first frame (the rule is in dicom_gray.cpp): VOI window when the
// file has one, else the full stored range; MONOCHROME1 inverted; colour through the same RGB ->
// gray rule as other formats. Call after check_limits on the file's size.
Expected<GrayImage> decode_dicom_gray(const DicomFile& file, const DecodeLimits& limits);

}  // namespace xray
