// The transfer syntaxes of DICOM PS3.5 annex A that a radiograph may arrive in: the ones decoded
// here, and the others named, so that a refusal tells the person what the file is.
#include <array>

#include "dicom.h"

namespace xray {
namespace {

struct SyntaxEntry {
  const char* uid;
  const char* name;
  bool supported;
  bool implicit_vr;
  PixelEncoding encoding;
};

constexpr std::array<SyntaxEntry, 25> kSyntaxes = {{
    {"1.2.840.10008.1.2", "implicit VR little endian", true, true, PixelEncoding::kNative},
    {"1.2.840.10008.1.2.1", "explicit VR little endian", true, false, PixelEncoding::kNative},
    {"1.2.840.10008.1.2.4.50", "JPEG baseline", true, false, PixelEncoding::kJpegBaseline},
    {"1.2.840.10008.1.2.4.57", "JPEG lossless", true, false, PixelEncoding::kJpegLossless},
    {"1.2.840.10008.1.2.4.70", "JPEG lossless SV1", true, false, PixelEncoding::kJpegLossless},
    {"1.2.840.10008.1.2.5", "RLE lossless", true, false, PixelEncoding::kRle},
    {"1.2.840.10008.1.2.1.99", "deflated explicit VR little endian", false, false, PixelEncoding::kNative},
    {"1.2.840.10008.1.2.2", "explicit VR big endian", false, false, PixelEncoding::kNative},
    // Extended (SOF1) and progressive (SOF2) JPEG in their 8-bit form are what stb_image reads;
    // a 12-bit frame is refused with this syntax named (dicom_gray.cpp).
    {"1.2.840.10008.1.2.4.51", "JPEG extended", true, false, PixelEncoding::kJpegBaseline},
    {"1.2.840.10008.1.2.4.55", "JPEG progressive", true, false, PixelEncoding::kJpegBaseline},
    {"1.2.840.10008.1.2.4.80", "JPEG-LS lossless", false, false, PixelEncoding::kNative},
    {"1.2.840.10008.1.2.4.81", "JPEG-LS near-lossless", false, false, PixelEncoding::kNative},
    {"1.2.840.10008.1.2.4.90", "JPEG 2000", false, false, PixelEncoding::kNative},
    {"1.2.840.10008.1.2.4.91", "JPEG 2000", false, false, PixelEncoding::kNative},
    {"1.2.840.10008.1.2.4.92", "JPEG 2000 multi-component", false, false, PixelEncoding::kNative},
    {"1.2.840.10008.1.2.4.93", "JPEG 2000 multi-component", false, false, PixelEncoding::kNative},
    {"1.2.840.10008.1.2.4.94", "JPIP referenced", false, false, PixelEncoding::kNative},
    {"1.2.840.10008.1.2.4.95", "JPIP referenced, deflated", false, false, PixelEncoding::kNative},
    {"1.2.840.10008.1.2.4.100", "MPEG-2 video", false, false, PixelEncoding::kNative},
    {"1.2.840.10008.1.2.4.102", "MPEG-4 video", false, false, PixelEncoding::kNative},
    {"1.2.840.10008.1.2.4.110", "JPEG XL lossless", false, false, PixelEncoding::kNative},
    {"1.2.840.10008.1.2.4.112", "JPEG XL", false, false, PixelEncoding::kNative},
    {"1.2.840.10008.1.2.4.201", "HTJ2K lossless", false, false, PixelEncoding::kNative},
    {"1.2.840.10008.1.2.4.202", "HTJ2K lossless RPCL", false, false, PixelEncoding::kNative},
    {"1.2.840.10008.1.2.4.203", "HTJ2K", false, false, PixelEncoding::kNative},
}};

}  // namespace

Expected<TransferSyntax> find_transfer_syntax(const std::string& uid) {
  for (const SyntaxEntry& entry : kSyntaxes) {
    if (uid != entry.uid) continue;
    if (!entry.supported) {
      return Error{ErrorCode::kUnsupported,
                   "unsupported DICOM transfer syntax " + uid + " (" + entry.name +
                       "); convert it to uncompressed little endian first, e.g. with gdcmconv --raw "
                       "or dcmtk's dcmconv +te"};
    }
    return TransferSyntax{uid, entry.name, entry.implicit_vr, entry.encoding};
  }
  return Error{ErrorCode::kUnsupported,
               "unsupported DICOM transfer syntax " + uid +
                   " (unknown to this reader); it reads uncompressed, JPEG baseline, JPEG lossless "
                   "and RLE DICOM"};
}

}  // namespace xray
