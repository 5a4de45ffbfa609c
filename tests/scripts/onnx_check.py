#!/usr/bin/python3
"""onnx_check.py MANIFEST.json [MODEL_DIR]: the ONNX checker (python3-onnx, a test oracle only)
on every exported model; the broken one is expected to pass it (the checker misses a wrong Gemm
shape, which is why ONNX Runtime is the real gate). With MODEL_DIR: the model card in the ONNX
metadata equals model.json without its own "model.onnx" entry, and the checksum matches."""
import hashlib
import json
import sys

import onnx

manifest = json.load(open(sys.argv[1]))
for case in manifest["cases"]:
    model = onnx.load(case["onnx"])
    onnx.checker.check_model(model, full_check=True)
    assert model.ir_version == 8 and model.opset_import[0].version == 17, case["name"]
    print(f"checker ok: {case['name']} (IR {model.ir_version}, opset {model.opset_import[0].version}, {len(model.graph.node)} nodes)")
onnx.checker.check_model(onnx.load(manifest["broken"]))
print("checker ok on the broken Gemm model too: only ONNX Runtime catches it")

if len(sys.argv) > 2:
    model_dir = sys.argv[2]
    card = json.load(open(f"{model_dir}/model.json"))
    model_bytes = open(f"{model_dir}/model.onnx", "rb").read()
    assert hashlib.sha256(model_bytes).hexdigest() == card["files"]["model.onnx"]["sha256"], "model.onnx sha256"
    meta = {p.key: p.value for p in onnx.load_from_string(model_bytes).metadata_props}
    expected = json.loads(json.dumps(card))
    del expected["files"]["model.onnx"]
    assert json.loads(meta["model_card"]) == expected, "metadata model_card differs from model.json"
    assert json.loads(meta["preprocess"]) == card["preprocess"], "metadata preprocess"
    print(f"metadata ok: the model card inside {model_dir}/model.onnx equals model.json")
