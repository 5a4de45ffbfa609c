#!/usr/bin/python3
"""make_bad_dicom.py FIXTURE_DIR OUT_DIR: malformed DICOM files, each of which every reader must refuse
cleanly. Made from the valid fixtures u16_explicit.dcm and u16_explicit_sv1.dcm in FIXTURE_DIR."""
import struct
import sys

from pydicom.dataset import FileDataset, FileMetaDataset
from pydicom.encaps import encapsulate
from pydicom.uid import generate_uid


def element_offset(data, group, element, explicit=True):
    """Byte offset of the first element with this tag (a plain search: enough for our fixtures)."""
    needle = struct.pack("<HH", group, element)
    at = data.find(needle, 132)
    assert at > 0, (group, element)
    return at


def with_syntax(path, uid, pixel_bytes, encapsulated):
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.1.1"
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = uid
    ds = FileDataset(path, {}, file_meta=meta, preamble=b"\0" * 128)
    ds.is_little_endian = uid != "1.2.840.10008.1.2.2"
    ds.is_implicit_VR = False
    ds.Rows, ds.Columns, ds.SamplesPerPixel, ds.PhotometricInterpretation = 64, 64, 1, "MONOCHROME2"
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 8, 8, 7, 0
    ds.PixelData = encapsulate([pixel_bytes]) if encapsulated else pixel_bytes
    if encapsulated:
        ds["PixelData"].is_undefined_length = True
    ds.save_as(path, write_like_original=False)


def main():
    src, out = sys.argv[1], sys.argv[2]
    plain = open(f"{src}/u16_explicit.dcm", "rb").read()
    lossless = open(f"{src}/u16_explicit_sv1.dcm", "rb").read()

    open(f"{out}/bad_truncated.dcm", "wb").write(plain[: len(plain) * 6 // 10])
    open(f"{out}/bad_dicm_only.dcm", "wb").write(b"\0" * 128 + b"DICM")
    open(f"{out}/bad_header_cut.dcm", "wb").write(plain[:150])

    # PatientName's 2-byte length made huge: the value runs past the end of the file.
    data = bytearray(plain)
    at = element_offset(data, 0x0010, 0x0010)
    data[at + 6:at + 8] = struct.pack("<H", 0xFFF0)
    open(f"{out}/bad_length_beyond.dcm", "wb").write(data[:600])

    # Rows doubled: the pixel data holds half the image it describes.
    data = bytearray(plain)
    at = element_offset(data, 0x0028, 0x0010)
    rows = struct.unpack("<H", data[at + 8:at + 10])[0]
    data[at + 8:at + 10] = struct.pack("<H", rows * 2)
    open(f"{out}/bad_rows_beyond.dcm", "wb").write(data)

    # The lossless fragment cut in half (item length and delimiter kept consistent).
    pixel = element_offset(lossless, 0x7FE0, 0x0010)
    table_at = pixel + 12
    table_length = struct.unpack("<I", lossless[table_at + 4:table_at + 8])[0]
    fragment_at = table_at + 8 + table_length
    fragment_length = struct.unpack("<I", lossless[fragment_at + 4:fragment_at + 8])[0]
    cut = fragment_length // 2 & ~1
    head = lossless[: fragment_at + 4] + struct.pack("<I", cut) + lossless[fragment_at + 8: fragment_at + 8 + cut]
    open(f"{out}/bad_fragment_cut.dcm", "wb").write(head + b"\xfe\xff\xdd\xe0\0\0\0\0")
    # The fragment's length beyond the file.
    data = bytearray(lossless)
    data[fragment_at + 4:fragment_at + 8] = struct.pack("<I", len(lossless) * 2)
    open(f"{out}/bad_fragment_length.dcm", "wb").write(data)
    # The fragment is not a JPEG at all.
    data = bytearray(lossless)
    data[fragment_at + 8:fragment_at + 8 + fragment_length] = bytes(fragment_length)
    open(f"{out}/bad_fragment_zeros.dcm", "wb").write(data)

    with_syntax(f"{out}/bad_syntax_jpeg2000.dcm", "1.2.840.10008.1.2.4.90", b"\xff\x4f\xff\x51" + bytes(60), True)
    with_syntax(f"{out}/bad_syntax_deflated.dcm", "1.2.840.10008.1.2.1.99", bytes(64 * 64), False)
    with_syntax(f"{out}/bad_syntax_big_endian.dcm", "1.2.840.10008.1.2.2", bytes(64 * 64), False)
    with_syntax(f"{out}/bad_syntax_unknown.dcm", "1.2.3.4.5", bytes(64 * 64), False)

    # Sequences nested 40 deep (each of undefined length) before the pixel data.
    nested = b""
    for _ in range(40):
        nested = (struct.pack("<HH2sHI", 0x0008, 0x1140, b"SQ", 0, 0xFFFFFFFF) +
                  struct.pack("<HHI", 0xFFFE, 0xE000, 0xFFFFFFFF) + nested +
                  struct.pack("<HHI", 0xFFFE, 0xE00D, 0) + struct.pack("<HHI", 0xFFFE, 0xE0DD, 0))
    at = element_offset(plain, 0x0028, 0x0002)
    open(f"{out}/bad_deep_nesting.dcm", "wb").write(plain[:at] + nested + plain[at:])


if __name__ == "__main__":
    main()
