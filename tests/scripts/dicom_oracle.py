#!/usr/bin/python3
"""dicom_oracle.py REFERENCE_DIR DECODED_DIR NAME...: checks the shared library's DICOM decoding.

For each NAME, REFERENCE_DIR/NAME is an uncompressed DICOM file (the fixture itself, or what
dcmtk's dcmdjpeg/dcmdrle made of a compressed one) and DECODED_DIR holds what decode-gray wrote for
the original: NAME.raw.pgm (stored samples) and NAME.pgm (8-bit gray). The samples must equal
pydicom's, and the gray image must equal the README's DICOM rule, implemented here again in
numpy from the standard's formulas, pixel for pixel."""
import os
import sys

import numpy as np
import pydicom


def read_pgm(path):
    data = open(path, "rb").read()
    fields, pos = [], 0
    while len(fields) < 4:  # "P5", width, height, maxval, then exactly one whitespace byte
        while data[pos:pos + 1].isspace():
            pos += 1
        end = pos
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[pos:end])
        pos = end
    w, h, maxval = int(fields[1]), int(fields[2]), int(fields[3])
    body = data[pos + 1:]
    dtype = ">u2" if maxval > 255 else "u1"
    return np.frombuffer(body, dtype=dtype)[: w * h].reshape(h, w).astype(np.int64)


def first_frame_cells(ds):
    """The first frame's stored cells, rows x (columns * samples), samples interleaved."""
    rows, cols, spp = ds.Rows, ds.Columns, ds.SamplesPerPixel
    dtype = "<u1" if ds.BitsAllocated == 8 else "<u2"
    cells = np.frombuffer(ds.PixelData, dtype=dtype)[: rows * cols * spp].astype(np.int64)
    if spp == 3 and getattr(ds, "PlanarConfiguration", 0) == 1:
        cells = cells.reshape(3, rows, cols).transpose(1, 2, 0)
    return cells.reshape(rows, cols * spp)


def first_value(v):
    return float(v[0]) if isinstance(v, pydicom.multival.MultiValue) else float(v)


def expected_gray(ds, cells):
    bits, high = ds.BitsStored, ds.HighBit
    mask = (1 << bits) - 1
    code = (cells >> (high + 1 - bits)) & mask
    if ds.SamplesPerPixel == 3:
        v8 = (code * 255 + mask // 2) // mask
        r, g, b = v8[:, 0::3], v8[:, 1::3], v8[:, 2::3]
        return (299 * r + 587 * g + 114 * b + 500) // 1000
    half = 1 << (bits - 1)
    signed = ds.PixelRepresentation == 1
    value = np.where(signed & (code >= half), code - (1 << bits), code)
    width = first_value(ds.WindowWidth) if "WindowWidth" in ds and "WindowCenter" in ds else None
    exact = getattr(ds, "VOILUTFunction", "LINEAR") == "LINEAR_EXACT"
    usable = width is not None and (width > 0 if exact else width >= 1)
    if usable:
        c, w = first_value(ds.WindowCenter), width
        slope = float(getattr(ds, "RescaleSlope", 1))
        intercept = float(getattr(ds, "RescaleIntercept", 0))
        x = value.astype(np.float64) * slope + intercept
        with np.errstate(divide="ignore", invalid="ignore"):
            if exact:
                low, high_x = x <= c - w / 2, x > c + w / 2
                y = ((x - c) / w + 0.5) * 255
            else:
                low, high_x = x <= c - 0.5 - (w - 1) / 2, x > c - 0.5 + (w - 1) / 2
                y = ((x - (c - 0.5)) / (w - 1) + 0.5) * 255
        y = np.floor(np.clip(np.nan_to_num(y), 0, 255) + 0.5)
        v8 = np.where(low, 0, np.where(high_x, 255, y)).astype(np.int64)
    else:
        u = value + half if signed else value
        v8 = (u * 255 + mask // 2) // mask
    return 255 - v8 if ds.PhotometricInterpretation == "MONOCHROME1" else v8


def main():
    reference_dir, decoded_dir, names = sys.argv[1], sys.argv[2], sys.argv[3:]
    failures = 0
    for name in names:
        ds = pydicom.dcmread(f"{reference_dir}/{name}")
        cells = first_frame_cells(ds)
        # pydicom's own pixel decoding agrees with the raw cells where it applies no transform.
        plain = ds.SamplesPerPixel == 1 and ds.PixelRepresentation == 0 and ds.HighBit == ds.BitsStored - 1
        if plain:
            array = ds.pixel_array
            frame = array[0] if getattr(ds, "NumberOfFrames", 1) > 1 else array
            assert np.array_equal(frame.astype(np.int64), cells & ((1 << ds.BitsStored) - 1)), name
        # Lossy JPEG frames have no stored samples of their own (decode-gray writes no .raw.pgm):
        # libjpeg (dcmdjpeg) and stb_image may round their IDCTs differently, by a level or two.
        lossy = not os.path.exists(f"{decoded_dir}/{name}.raw.pgm")
        gray = read_pgm(f"{decoded_dir}/{name}.pgm")
        expected = expected_gray(ds, cells)
        problems = []
        if not lossy:
            raw = read_pgm(f"{decoded_dir}/{name}.raw.pgm")
            if raw.shape != cells.shape or not np.array_equal(raw, cells):
                problems.append("stored samples differ from pydicom's")
        tolerance = 3 if lossy else 0
        if gray.shape != expected.shape:
            problems.append(f"gray image is {gray.shape}, expected {expected.shape}")
        elif np.abs(gray - expected).max() > tolerance:
            diff = np.abs(gray - expected)
            problems.append(f"gray differs at {int((diff > tolerance).sum())} pixels (max {int(diff.max())})")
        if problems:
            failures += 1
            print(f"FAILED {name}: {'; '.join(problems)}")
        else:
            what = "gray within 3 levels of dcmdjpeg's (lossy)" if lossy else "samples and gray equal the oracle"
            print(f"ok {name}: {gray.shape[1]}x{gray.shape[0]}, {what}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
