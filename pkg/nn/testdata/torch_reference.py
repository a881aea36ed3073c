# Regenerates torch_reference.json: PyTorch outputs of the layers in package nn
# on deterministic inputs (x[i] = sin(0.37 i + 0.1), weights w[i] = cos(0.53 i),
# over the flat row-major index i), which the Go tests rebuild.
# Run with Debian's python3-torch: /usr/bin/python3 torch_reference.py > torch_reference.json
import json, math, torch, torch.nn.functional as F

torch.set_default_dtype(torch.float64)

def seq(shape, fn):
    n = math.prod(shape)
    return torch.tensor([fn(i) for i in range(n)]).reshape(shape)

def x_of(shape):
    return seq(shape, lambda i: math.sin(0.37 * i + 0.1))

def w_of(shape):
    return seq(shape, lambda i: math.cos(0.53 * i))

cases = []
def add(name, params, inputs, y):
    cases.append({"name": name, "params": params, "inputs": inputs, "dims": list(y.shape), "data": y.flatten().tolist()})

for (n, cin, cout, h, w, k, s, p, op, d) in [
        (2, 3, 2, 4, 5, 4, 2, 1, 0, 1),   # DCGAN
        (1, 2, 3, 3, 3, 3, 2, 1, 1, 1),
        (1, 4, 2, 1, 1, 4, 1, 0, 0, 1),   # DCGAN's first layer on a 1x1 latent
        (2, 2, 2, 3, 4, 3, 3, 2, 2, 1),
        (1, 2, 2, 4, 3, 2, 1, 0, 0, 2)]:
    x, wt = x_of((n, cin, h, w)), w_of((cin, cout, k, k))
    add("conv_transpose2d", {"stride": s, "padding": p, "output_padding": op, "dilation": d},
        {"x": list(x.shape), "w": list(wt.shape)}, F.conv_transpose2d(x, wt, stride=s, padding=p, output_padding=op, dilation=d))

for (n, cin, cout, h, w, k, s, p, d) in [(2, 3, 2, 8, 7, 4, 2, 1, 1), (1, 2, 3, 6, 6, 3, 1, 1, 2), (1, 2, 2, 5, 6, 2, 1, 0, 1)]:
    x, wt = x_of((n, cin, h, w)), w_of((cout, cin, k, k))
    add("conv2d", {"stride": s, "padding": p, "dilation": d}, {"x": list(x.shape), "w": list(wt.shape)},
        F.conv2d(x, wt, stride=s, padding=p, dilation=d))

for shape in [(1, 2, 3, 4), (2, 1, 1, 3)]:
    x = x_of(shape)
    add("upsample_bilinear", {}, {"x": list(shape)}, F.interpolate(x, scale_factor=2, mode="bilinear", align_corners=False))
    add("upsample_nearest", {}, {"x": list(shape)}, F.interpolate(x, scale_factor=2, mode="nearest"))

x = x_of((1, 2, 4, 5))
add("reflection_pad2d", {"left": 2, "right": 1, "top": 3, "bottom": 0}, {"x": [1, 2, 4, 5]}, F.pad(x, (2, 1, 3, 0), mode="reflect"))

x = x_of((2, 3, 4, 5)) * 3 + 1
add("instance_norm", {"affine": 0, "input_scale": 3, "input_shift": 1}, {"x": [2, 3, 4, 5]}, F.instance_norm(x))
sc, of = w_of((3,)), x_of((3,))
add("instance_norm", {"affine": 1, "input_scale": 3, "input_shift": 1}, {"x": [2, 3, 4, 5]}, F.instance_norm(x, weight=sc, bias=of))

print(json.dumps(cases))
