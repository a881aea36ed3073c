# Makes the small .pth/safetensors files the weights tests read, with
# PyTorch's own torch.save (run with /usr/bin/python3, torch 1.13):
#   python3 make_testdata.py
# Tensors cover every dtype, a transposed (strided) view, a view with a
# storage offset sharing its base's storage, an nn.Parameter and an nn.Module
# state_dict (an OrderedDict with _metadata); expected.json holds each
# tensor's values in row-major order, all exactly representable.
import json, struct, collections, torch

base = torch.arange(12, dtype=torch.float32).reshape(3, 4) / 8 - 0.5
conv = torch.nn.Conv2d(2, 3, 3)
with torch.no_grad():
    conv.weight.copy_(torch.arange(54, dtype=torch.float32).reshape(3, 2, 3, 3) / 16)
    conv.bias.copy_(torch.tensor([-1.0, 0.0, 1.5]))
sd = collections.OrderedDict()
sd["base"] = base
sd["transposed"] = base.t()                        # strides (1, 4)
sd["offset"] = base[1:, 1:3]                       # storage offset 5, strides (4, 1)
sd["half"] = (torch.arange(6) / 4 - 1).half().reshape(2, 3)
sd["bfloat16"] = (torch.arange(4) * 0.5).bfloat16()
sd["double"] = torch.tensor([[1e-300, 3.141592653589793]], dtype=torch.float64)
sd["long"] = torch.tensor([-3, 0, 1 << 40])
sd["param"] = torch.nn.Parameter(torch.tensor([2.0, -2.0]))
sd["scalar"] = torch.tensor(7.0)
sd["model"] = conv.state_dict()                    # nested: model.weight, model.bias

torch.save(sd, "tensors.pth")
torch.save(sd, "tensors_legacy.pth", _use_new_zipfile_serialization=False)

flat = {}
for k, v in sd.items():
    if isinstance(v, dict):
        flat.update({f"{k}.{k2}": v2 for k2, v2 in v.items()})
    else:
        flat[k] = v
expected = {k: {"shape": list(v.shape), "data": v.detach().double().flatten().tolist()} for k, v in flat.items()}
json.dump(expected, open("expected.json", "w"))

# safetensors, written by hand (the format is 8 bytes of header length, a JSON header, the data).
names = {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16", torch.float64: "F64", torch.int64: "I64"}
header, blobs, off = {"__metadata__": {"made_by": "make_testdata.py"}}, [], 0
for k, v in flat.items():
    v = v.detach().contiguous()
    raw = v.view(torch.int16).numpy().tobytes() if v.dtype == torch.bfloat16 else v.numpy().tobytes()
    header[k] = {"dtype": names[v.dtype], "shape": list(v.shape), "data_offsets": [off, off + len(raw)]}
    blobs.append(raw); off += len(raw)
h = json.dumps(header).encode()
with open("tensors.safetensors", "wb") as f:
    f.write(struct.pack("<Q", len(h))); f.write(h); f.write(b"".join(blobs))

# The legacy format as PyTorch 0.1.10-0.3 wrote it (torchvision's 2017
# vgg19-dcbb9e9d.pth): tensors rebuilt by torch._utils._rebuild_tensor
# (4 arguments) and, when saved by Python 2, an OrderedDict pickled as
# OrderedDict([[key, value], ...]). Written by hand with pickle protocol 2.
import pickle, io

class OldStorage:
    def __init__(self, t): self.t = t.contiguous().view(-1)

class OldTensor:
    def __init__(self, t, storage): self.t, self.storage = t, storage
    def __reduce__(self):
        return (torch._utils._rebuild_tensor, (self.storage, self.t.storage_offset(), tuple(self.t.size()), self.t.stride()))

class Py2OrderedDict:
    def __init__(self, items): self.items = items
    def __reduce__(self): return (collections.OrderedDict, ([[k, v] for k, v in self.items],))

storages = {}
def persistent_id(obj):
    if isinstance(obj, OldStorage):
        key = str(id(obj)); storages[key] = obj
        return ("storage", torch.FloatStorage, key, "cpu", obj.t.numel(), None)
    return None

base_storage = OldStorage(base)
old = Py2OrderedDict([("base", OldTensor(base, base_storage)), ("transposed", OldTensor(base.t(), base_storage)),
                      ("offset", OldTensor(base[1:, 1:3], base_storage))])
with open("tensors_legacy_v1.pth", "wb") as f:
    for header in (0x1950a86a20f9469cfc6c, 1001, {"protocol_version": 1001, "little_endian": True, "type_sizes": {"short": 2, "int": 4, "long": 8}}):
        pickle.dump(header, f, protocol=2)
    p = pickle.Pickler(f, protocol=2); p.persistent_id = persistent_id; p.dump(old)
    keys = sorted(storages); pickle.dump(keys, f, protocol=2)
    for k in keys:
        t = storages[k].t
        f.write(struct.pack("<q", t.numel())); f.write(t.numpy().tobytes())
assert torch.equal(torch.load("tensors_legacy_v1.pth")["transposed"], base.t())
