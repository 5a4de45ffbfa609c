#!/usr/bin/python3
"""make_dicom_fixtures.py OUT_DIR [ORIGINALS_DIR]: uncompressed DICOM fixtures written with pydicom
(generated ones 180x150, or XRAY_DICOM_FIXTURE_SIZE=ROWSxCOLUMNS).

Generated pixels cover the reader's rules (8/10/12/16 bits stored, high bit above bits stored,
signed samples, rescale, LINEAR and LINEAR_EXACT windows, MONOCHROME1, RGB interleaved and planar,
two frames, implicit and explicit VR, sequences of undefined length holding an icon image that
must not replace the main one). With ORIGINALS_DIR, real radiographs (decoded by djpeg) are
stored at 8, 12 and 16 bits too. dicom_test.sh compresses some of them with dcmtk and adds the
malformed files (make_bad_dicom.py).
"""
import os
import subprocess
import sys

import numpy as np
from pydicom.dataset import Dataset, FileDataset, FileMetaDataset
from pydicom.sequence import Sequence
from pydicom.uid import ExplicitVRLittleEndian, ImplicitVRLittleEndian, generate_uid

DX_IMAGE = "1.2.840.10008.5.1.4.1.1.1.1"


def dataset(path, pixels, bits_stored, *, implicit=False, photometric="MONOCHROME2", signed=False, high_bit=None,
            frames=1, planar=None, extra=None):
    """Writes pixels (frames x rows x cols [x 3] integers, already in cell layout) as a DICOM file."""
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = DX_IMAGE
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = ImplicitVRLittleEndian if implicit else ExplicitVRLittleEndian
    ds = FileDataset(path, {}, file_meta=meta, preamble=b"\0" * 128)
    ds.is_little_endian = True
    ds.is_implicit_VR = implicit
    ds.SOPClassUID = DX_IMAGE
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.StudyInstanceUID = generate_uid()
    ds.SeriesInstanceUID = generate_uid()
    ds.PatientName = "Fixture^Generated"
    ds.PatientID = "0"
    ds.Modality = "DX"
    colour = pixels.ndim == 4
    ds.Rows, ds.Columns = pixels.shape[1], pixels.shape[2]
    ds.SamplesPerPixel = 3 if colour else 1
    ds.PhotometricInterpretation = photometric
    allocated = 8 if bits_stored <= 8 else 16
    ds.BitsAllocated = allocated
    ds.BitsStored = bits_stored
    ds.HighBit = bits_stored - 1 if high_bit is None else high_bit
    ds.PixelRepresentation = 1 if signed else 0
    if colour:
        ds.PlanarConfiguration = planar or 0
    if frames > 1:
        ds.NumberOfFrames = frames
    for keyword, value in (extra or {}).items():
        setattr(ds, keyword, value)
        if isinstance(value, Sequence):
            ds[keyword].is_undefined_length = True
    for inner in ds.get("IconImageSequence", []):
        inner["ReferencedImageSequence"].is_undefined_length = True
    dtype = {8: "<u1", 16: "<u2"}[allocated]
    cells = pixels.astype(np.int64) & ((1 << allocated) - 1)
    if colour and planar:
        cells = cells.transpose(0, 3, 1, 2)
    ds.PixelData = cells.astype(dtype).tobytes()
    ds["PixelData"].VR = "OB" if allocated == 8 else "OW"
    ds.save_as(path, write_like_original=False)


def smooth(rows, cols, low, high, seed):
    """A gradient with noise and a disc, spanning low..high: every part of the range is used."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:rows, 0:cols]
    base = (x / (cols - 1) * 0.7 + y / (rows - 1) * 0.3)
    disc = ((x - cols * 0.6) ** 2 + (y - rows * 0.4) ** 2) < (min(rows, cols) * 0.2) ** 2
    v = base * 0.9 + 0.1 * disc + rng.normal(0, 0.02, (rows, cols))
    v = (v - v.min()) / (v.max() - v.min())
    return np.round(low + v * (high - low)).astype(np.int64)


def icon_sequence():
    """An undefined-length sequence whose item holds a small image of its own (Rows 8, Columns 8)."""
    icon = Dataset()
    icon.SamplesPerPixel = 1
    icon.PhotometricInterpretation = "MONOCHROME2"
    icon.Rows = 8
    icon.Columns = 8
    icon.BitsAllocated = 8
    icon.BitsStored = 8
    icon.HighBit = 7
    icon.PixelRepresentation = 0
    icon.PixelData = bytes(range(64))
    inner = Dataset()
    inner.CodeValue = "X"
    icon.ReferencedImageSequence = Sequence([inner])
    seq = Sequence([icon])
    for item in (icon, inner):
        item.is_undefined_length_sequence_item = True
    return seq


def read_pgm(path):
    with open(path, "rb") as f:
        data = f.read()
    parts = data.split(maxsplit=4)
    assert parts[0] == b"P5", path
    w, h, maxval = int(parts[1]), int(parts[2]), int(parts[3])
    assert maxval == 255
    return np.frombuffer(parts[4][: w * h], dtype=np.uint8).reshape(h, w).astype(np.int64)


def generated(out, r=180, c=150):
    dataset(f"{out}/u16_explicit.dcm", smooth(r, c, 0, 65535, 1)[None], 16)
    ds_extra = {"WindowCenter": "2000", "WindowWidth": "3000", "RescaleSlope": "1", "RescaleIntercept": "-1024",
                "IconImageSequence": icon_sequence()}
    dataset(f"{out}/u12_implicit_window.dcm", smooth(r, c, 0, 4095, 2)[None], 12, implicit=True, extra=ds_extra)
    dataset(f"{out}/u12_explicit_window_seq.dcm", smooth(r, c, 0, 4095, 2)[None], 12, extra=ds_extra)
    dataset(f"{out}/u8_mono1.dcm", smooth(r, c, 0, 255, 3)[None], 8, photometric="MONOCHROME1")
    signed = smooth(r, c, -2048, 2047, 4)
    dataset(f"{out}/s12_signed_window.dcm", signed[None], 12, signed=True,
            extra={"RescaleSlope": "2", "RescaleIntercept": "100", "WindowCenter": "50.5", "WindowWidth": "5000"})
    dataset(f"{out}/s16_signed.dcm", smooth(r, c, -32768, 32767, 5)[None], 16, signed=True)
    # Bits 4..13 hold the sample; the bits around it carry junk that must be masked off.
    code = smooth(r, c, 0, 1023, 6)
    junk = np.random.default_rng(7).integers(0, 4, (r, c)) * (1 << 14) + np.random.default_rng(8).integers(0, 16, (r, c))
    dataset(f"{out}/u10_highbit13.dcm", ((code << 4) | junk)[None], 10, high_bit=13)
    dataset(f"{out}/u16_linear_exact.dcm", smooth(r, c, 0, 65535, 9)[None], 16,
            extra={"WindowCenter": ["30000", "1"], "WindowWidth": ["20000", "1"], "VOILUTFunction": "LINEAR_EXACT"})
    dataset(f"{out}/u16_window_width1.dcm", smooth(r, c, 0, 65535, 10)[None], 16,
            extra={"WindowCenter": "32768", "WindowWidth": "1"})
    rgb = np.stack([smooth(r, c, 0, 255, s) for s in (11, 12, 13)], axis=-1)
    dataset(f"{out}/rgb_interleaved.dcm", rgb[None], 8, photometric="RGB")
    dataset(f"{out}/rgb_planar.dcm", rgb[None], 8, photometric="RGB", planar=1)
    two = np.stack([smooth(r, c, 0, 65535, 14), smooth(r, c, 0, 65535, 15)])
    dataset(f"{out}/u16_two_frames.dcm", two, 16, frames=2)
    dataset(f"{out}/u16_no_extension", smooth(r, c, 0, 65535, 16)[None], 16)


def real(out, originals):
    names = []
    for folder, _, files in sorted(os.walk(originals)):
        names += [os.path.join(folder, n) for n in sorted(files) if n.lower().endswith((".jpeg", ".jpg"))][:1]
    for i, name in enumerate(names[:2]):
        pgm = f"{out}/real{i}_original.pgm"  # the same pixels as an ordinary image, for comparison
        subprocess.run(["djpeg", "-grayscale", "-pnm", "-outfile", pgm, name], check=True)
        v = read_pgm(pgm)
        dataset(f"{out}/real{i}_u8.dcm", v[None], 8)
        dataset(f"{out}/real{i}_u12.dcm", ((v * 4095 + 127) // 255)[None], 12)
        dataset(f"{out}/real{i}_u16_mono1.dcm", (65535 - v * 257)[None], 16, photometric="MONOCHROME1")
        dataset(f"{out}/real{i}_u16.dcm", (v * 257)[None], 16)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    # XRAY_DICOM_FIXTURE_SIZE=ROWSxCOLUMNS: small images for fuzzing seeds (fast to run)
    rows, cols = map(int, os.environ.get("XRAY_DICOM_FIXTURE_SIZE", "180x150").split("x"))
    generated(out, rows, cols)
    if len(sys.argv) > 2 and os.path.isdir(sys.argv[2]):
        real(out, sys.argv[2])


if __name__ == "__main__":
    main()
