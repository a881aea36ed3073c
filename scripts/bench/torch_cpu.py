# PyTorch CPU anchor on this machine (Debian python3-torch): the same work the Go code must beat.
# A copy of shared/bench/torch_cpu.py that can run a subset (scripts/bench.sh uses that).
# Usage: /usr/bin/python3 scripts/bench/torch_cpu.py [threads] [workload...]
#   workloads: sgemm gatys128 gatys256 dcgan64 mnistgan transformernet256 transformernet512 adain256 adain512 (default: all)
import os, sys, time, torch, torch.nn as nn, torch.nn.functional as F, torchvision
torch.set_num_threads(int(sys.argv[1]) if len(sys.argv) > 1 else 2)
only = set(sys.argv[2:]) or {"sgemm", "gatys128", "gatys256", "dcgan64", "mnistgan", "transformernet256", "transformernet512", "adain256", "adain512"}
print("torch", torch.__version__, "threads", torch.get_num_threads())
# The BLAS behind matrix products and transposed convolutions: Debian's reference libblas3
# is 30x slower than OpenBLAS (apt-get install libopenblas0-pthread).
torch.ones(2, 2) @ torch.ones(2, 2)
blas = sorted({l.split()[-1] for l in open("/proc/self/maps") if "blas" in l.rsplit("/", 1)[-1] and ".so" in l})
print("blas:", " ".join(os.path.realpath(b) for b in blas) or "none found")

def bench(fn, n=5, warm=2):
    for _ in range(warm): fn()
    ts = []
    for _ in range(n):
        t = time.perf_counter(); fn(); ts.append(time.perf_counter() - t)
    ts.sort(); return ts[len(ts) // 2] * 1000

if "sgemm" in only:
    a = torch.randn(2048, 2048); b = torch.randn(2048, 2048)
    ms = bench(lambda: a @ b, n=10)
    print(f"sgemm 2048: {ms:.1f} ms = {2 * 2048**3 / ms / 1e6:.1f} GFLOP/s")

vgg = torchvision.models.vgg19().features[:30].eval()  # up to relu5_1
for p in vgg.parameters(): p.requires_grad_(False)
style_idx = {1, 6, 11, 20, 29}; content_idx = 22
def feats(x):
    out = {}
    for i, l in enumerate(vgg):
        x = l(x)
        if i in style_idx or i == content_idx: out[i] = x
    return out
def gram(f):
    b, c, h, w = f.shape; f = f.view(b, c, h * w); return f @ f.transpose(1, 2) / (c * h * w)
for size in (128, 256):
    if f"gatys{size}" not in only: continue
    torch.manual_seed(0)
    content = torch.rand(1, 3, size, size); style = torch.rand(1, 3, size, size)
    with torch.no_grad():
        fc = feats(content)[content_idx]; gs = {i: gram(f) for i, f in feats(style).items() if i in style_idx}
    img = content.clone().requires_grad_(True)
    opt = torch.optim.Adam([img], lr=0.02)
    def step():
        opt.zero_grad(set_to_none=True); f = feats(img)
        l = F.mse_loss(f[content_idx], fc) + 1e6 * sum(F.mse_loss(gram(f[i]), gs[i]) for i in style_idx)
        l.backward(); opt.step()
    print(f"gatys adam step {size}px: {bench(step):.1f} ms")

bce = nn.BCEWithLogitsLoss()
if "dcgan64" in only:
    nz, ngf, ndf, nc, bs = 100, 64, 64, 3, 64
    G = nn.Sequential(nn.ConvTranspose2d(nz, ngf*8, 4, 1, 0, bias=False), nn.BatchNorm2d(ngf*8), nn.ReLU(True),
        nn.ConvTranspose2d(ngf*8, ngf*4, 4, 2, 1, bias=False), nn.BatchNorm2d(ngf*4), nn.ReLU(True),
        nn.ConvTranspose2d(ngf*4, ngf*2, 4, 2, 1, bias=False), nn.BatchNorm2d(ngf*2), nn.ReLU(True),
        nn.ConvTranspose2d(ngf*2, ngf, 4, 2, 1, bias=False), nn.BatchNorm2d(ngf), nn.ReLU(True),
        nn.ConvTranspose2d(ngf, nc, 4, 2, 1, bias=False), nn.Tanh())
    D = nn.Sequential(nn.Conv2d(nc, ndf, 4, 2, 1, bias=False), nn.LeakyReLU(0.2, True),
        nn.Conv2d(ndf, ndf*2, 4, 2, 1, bias=False), nn.BatchNorm2d(ndf*2), nn.LeakyReLU(0.2, True),
        nn.Conv2d(ndf*2, ndf*4, 4, 2, 1, bias=False), nn.BatchNorm2d(ndf*4), nn.LeakyReLU(0.2, True),
        nn.Conv2d(ndf*4, ndf*8, 4, 2, 1, bias=False), nn.BatchNorm2d(ndf*8), nn.LeakyReLU(0.2, True),
        nn.Conv2d(ndf*8, 1, 4, 1, 0, bias=False))
    oG = torch.optim.Adam(G.parameters(), lr=2e-4, betas=(0.5, 0.999)); oD = torch.optim.Adam(D.parameters(), lr=2e-4, betas=(0.5, 0.999))
    real = torch.rand(bs, nc, 64, 64) * 2 - 1
    ones = torch.ones(bs); zeros = torch.zeros(bs)
    def gan_step():
        fake = G(torch.randn(bs, nz, 1, 1))
        oD.zero_grad(set_to_none=True)
        lD = bce(D(real).view(-1), ones) + bce(D(fake.detach()).view(-1), zeros); lD.backward(); oD.step()
        oG.zero_grad(set_to_none=True); lG = bce(D(fake).view(-1), ones); lG.backward(); oG.step()
    print(f"dcgan step 64x64 batch {bs}: {bench(gan_step):.1f} ms")

# The article's generator shape on MNIST (28x28x1): Linear -> 7x7x128 -> BN -> Up2 -> Conv 128->64 -> BN -> ReLU
# -> Up2 -> Conv 64->1 -> Tanh; discriminator: Conv 1->64 s2 -> LReLU -> Conv 64->128 s2 -> BN -> LReLU -> Linear -> 1. Batch 64.
class SeedG(nn.Module):
    def __init__(s, z=100, fm=128):
        super().__init__(); s.l1 = nn.Linear(z, fm * 49)
        s.c = nn.Sequential(nn.BatchNorm2d(fm), nn.Upsample(scale_factor=2), nn.Conv2d(fm, fm // 2, 3, 1, 1), nn.BatchNorm2d(fm // 2),
            nn.ReLU(True), nn.Upsample(scale_factor=2), nn.Conv2d(fm // 2, 1, 3, 1, 1), nn.Tanh())
    def forward(s, z): return s.c(s.l1(z).view(z.shape[0], -1, 7, 7))
if "mnistgan" in only:
    ones = torch.ones(64); zeros = torch.zeros(64)
    G2 = SeedG(); D2 = nn.Sequential(nn.Conv2d(1, 64, 4, 2, 1), nn.LeakyReLU(0.2, True), nn.Conv2d(64, 128, 4, 2, 1), nn.BatchNorm2d(128),
        nn.LeakyReLU(0.2, True), nn.Flatten(), nn.Linear(128 * 49, 1))
    oG2 = torch.optim.Adam(G2.parameters(), lr=2e-4, betas=(0.5, 0.999)); oD2 = torch.optim.Adam(D2.parameters(), lr=2e-4, betas=(0.5, 0.999))
    real2 = torch.rand(64, 1, 28, 28) * 2 - 1
    def gan2_step():
        fake = G2(torch.randn(64, 100))
        oD2.zero_grad(set_to_none=True)
        lD = bce(D2(real2).view(-1), ones) + bce(D2(fake.detach()).view(-1), zeros); lD.backward(); oD2.step()
        oG2.zero_grad(set_to_none=True); lG = bce(D2(fake).view(-1), ones); lG.backward(); oG2.step()
    print(f"mnist gan step (article generator) batch 64: {bench(gan2_step, n=10):.1f} ms")

# fast_neural_style's TransformerNet (full width, PyTorch's default init), one image, inference:
# pkg/transformernet's BenchmarkTransformerNet. The class is the fixtures' copy of transformer_net.py.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../pkg/internal/fixtures/testdata"))
for size in (256, 512):
    if f"transformernet{size}" not in only: continue
    from make_transformernet import TransformerNet
    torch.manual_seed(0)
    net = TransformerNet(32).eval(); x = torch.rand(1, 3, size, size) * 255
    with torch.no_grad():
        print(f"transformernet {size}px: {bench(lambda: net(x)):.1f} ms")

# AdaIN (naoto0804/pytorch-AdaIN) at the published widths with random weights, one content and one
# style image, test.py's style_transfer: pkg/adain's BenchmarkAdaIN. The networks are the fixtures' copy of net.py.
for size in (256, 512):
    if f"adain{size}" not in only: continue
    import make_adain
    torch.manual_seed(0)
    enc = nn.Sequential(*list(make_adain.make_vgg(1).children())[:31]).eval(); dec = make_adain.make_decoder(1).eval()
    c, s = torch.rand(1, 3, size, size), torch.rand(1, 3, size, size)
    with torch.no_grad():
        print(f"adain {size}px: {bench(lambda: make_adain.style_transfer(enc, dec, c, s)):.1f} ms")
