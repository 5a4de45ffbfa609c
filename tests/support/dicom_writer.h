// DICOM Part 10 files and lossless JPEG streams for the unit tests, which run natively and in
// WebAssembly where pydicom and dcmtk are not at hand. dicom.oracle (tests/scripts/dicom_test.sh)
// checks the reader against those independent tools; these cover what they cannot make, such as
// restart intervals and multi-frame files without an offset table.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "image_writers.h"

namespace xray::test {

struct DicomDescription {
  int rows = 0;
  int columns = 0;
  int samples_per_pixel = 1;
  int bits_allocated = 16;
  int bits_stored = 16;
  int high_bit = -1;  // -1: bits_stored - 1
  int pixel_representation = 0;
  int frames = 1;
  std::string photometric = "MONOCHROME2";
  std::string transfer_syntax = "1.2.840.10008.1.2.1";  // explicit VR little endian
  // Extra decimal-string elements of group 0028, e.g. {0x1050, "40"} for Window Center.
  std::vector<std::pair<std::uint16_t, std::string>> decimal_strings;
};

// Native pixel data: every frame's cells, little endian, interleaved.
Bytes encode_dicom(const DicomDescription& d, const std::vector<std::uint16_t>& cells);
// Encapsulated pixel data: the offset table (may be empty) and the fragments.
Bytes encode_dicom_encapsulated(const DicomDescription& d, const std::vector<std::uint32_t>& offsets,
                                const std::vector<Bytes>& fragments);

// How the lossless JPEG's entropy coding is laid out. Every Huffman code has one length: 5 bits
// (the decoder's fast path) or 9..16 (its slow path).
struct LosslessCoding {
  int code_length = 5;
  bool scan_per_component = false;  // non-interleaved: one scan per component
  bool table_per_scan = false;      // a DHT redefining table 0 before each scan, lengths alternating
                                    // between code_length and 12
};

// A lossless JPEG (SOF3): samples interleaved, 2..16 bits, predictor 1..7, a point transform,
// a restart marker every restart_rows rows (0: none).
Bytes encode_jpeg_lossless(const std::vector<std::uint16_t>& samples, int width, int height, int components,
                           int precision, int predictor, int point_transform, int restart_rows,
                           const LosslessCoding& coding = {});

}  // namespace xray::test
