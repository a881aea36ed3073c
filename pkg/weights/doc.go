// Package weights reads named tensors from the two file formats pre-trained
// networks are distributed in, without Python and without executing anything
// found in the file:
//
//   - safetensors (https://github.com/huggingface/safetensors): an 8-byte
//     header length, a JSON header giving each tensor's dtype, shape and byte
//     range, then the raw little-endian data. Every offset and size is checked
//     against the file before any data is read.
//   - PyTorch .pth files as torch.save writes them: the zip format of
//     PyTorch ≥ 1.6 (an archive holding data.pkl and one data/<key> entry per
//     storage) and the older "legacy" format (a sequence of pickles followed
//     by the raw storages), which is what torchvision's 2017 VGG-19 file uses.
//
// A .pth state_dict is a Python pickle, and unpickling is running a small
// stack program that may call any Python function it names (os.system
// included). This package interprets that program itself and knows only the
// handful of names a state_dict needs — collections.OrderedDict, the
// torch._utils._rebuild_* functions and the torch.*Storage types; any other
// name is refused with an error, nothing is ever called.
//
// Tensors come back as float32 in row-major (C) order with PyTorch's shape,
// e.g. a convolution kernel as [out, in, kh, kw], whatever dtype the file
// stores (F32, F16, BF16, F64 and the integer types); Float64 keeps float64
// data exact. Strides and storage offsets of .pth tensors are honoured.
//
// SaveSafetensors writes float32 (Tensor) or float64 (Tensor64) tensors back
// out as safetensors, atomically.
package weights
