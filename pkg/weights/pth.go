package weights

import (
	"archive/zip"
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"io/fs"
	"math/big"
	"strings"
)

// storageTypes maps the torch.*Storage globals a state_dict pickle names to dtypes.
var storageTypes = map[pyGlobal]DType{
	{"torch", "DoubleStorage"}:   F64,
	{"torch", "FloatStorage"}:    F32,
	{"torch", "HalfStorage"}:     F16,
	{"torch", "BFloat16Storage"}: BF16,
	{"torch", "LongStorage"}:     I64,
	{"torch", "IntStorage"}:      I32,
	{"torch", "ShortStorage"}:    I16,
	{"torch", "CharStorage"}:     I8,
	{"torch", "ByteStorage"}:     U8,
	{"torch", "BoolStorage"}:     Bool,
}

// pyStorage is a storage a tensor refers to: root names the storage record
// (zip entry data/<root> or a legacy storage key); a legacy view starts
// offset elements into it.
type pyStorage struct {
	dtype  DType
	root   string
	offset int64
	numel  int64
}

// pyTensor is what torch._utils._rebuild_tensor_v2 would build.
type pyTensor struct {
	storage *pyStorage
	offset  int64
	shape   []any // int64 or *big.Int, checked by checkDims
	strides []any
}

// stateDictCalls are the only functions a state_dict pickle may call.
var stateDictCalls = map[pyGlobal]callable{
	// OrderedDict() as Python 3 pickles it (items follow with SETITEMS), or
	// OrderedDict([[key, value], ...]) as Python 2 did.
	{"collections", "OrderedDict"}: func(args pyTuple) (any, error) {
		d := newDict()
		if len(args) == 0 {
			return d, nil
		}
		items, ok := args[0].(*pyList)
		if len(args) != 1 || !ok {
			return nil, fmt.Errorf("expected no arguments or a list of [key, value] pairs, found %s", describe(args))
		}
		for _, item := range items.items {
			var pair []any
			switch p := item.(type) {
			case *pyList:
				pair = p.items
			case pyTuple:
				pair = p
			}
			if len(pair) != 2 {
				return nil, fmt.Errorf("expected [key, value] pairs, found %s", describe(item))
			}
			if err := d.set(pair[0], pair[1]); err != nil {
				return nil, err
			}
		}
		return d, nil
	},
	// _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
	{"torch._utils", "_rebuild_tensor_v2"}: func(args pyTuple) (any, error) {
		if len(args) != 6 && len(args) != 7 {
			return nil, fmt.Errorf("expected 6 or 7 arguments, found %d", len(args))
		}
		return rebuildTensor(args[:4])
	},
	// _rebuild_tensor(storage, storage_offset, size, stride), PyTorch < 0.4.
	{"torch._utils", "_rebuild_tensor"}: func(args pyTuple) (any, error) {
		if len(args) != 4 {
			return nil, fmt.Errorf("expected 4 arguments, found %d", len(args))
		}
		return rebuildTensor(args)
	},
	// _rebuild_parameter(data, requires_grad, backward_hooks): a Parameter is its data here.
	{"torch._utils", "_rebuild_parameter"}: func(args pyTuple) (any, error) {
		if len(args) != 3 {
			return nil, fmt.Errorf("expected 3 arguments, found %d", len(args))
		}
		if _, ok := args[0].(*pyTensor); !ok {
			return nil, fmt.Errorf("expected a tensor, found %s", describe(args[0]))
		}
		return args[0], nil
	},
}

func rebuildTensor(args pyTuple) (any, error) {
	st, ok := args[0].(*pyStorage)
	if !ok {
		return nil, fmt.Errorf("expected a storage, found %s", describe(args[0]))
	}
	offset, ok := args[1].(int64)
	if !ok {
		return nil, fmt.Errorf("storage offset is a %s, not an int", describe(args[1]))
	}
	shape, err := intTuple(args[2], "size")
	if err != nil {
		return nil, err
	}
	strides, err := intTuple(args[3], "stride")
	if err != nil {
		return nil, err
	}
	if len(strides) != len(shape) {
		return nil, fmt.Errorf("size %s and stride %s differ in length", describe(args[2]), describe(args[3]))
	}
	return &pyTensor{storage: st, offset: offset, shape: shape, strides: strides}, nil
}

// intTuple returns the ints of a size or stride tuple. Their ranges are
// checked later, by checkDims, where the tensor's name is known.
func intTuple(v any, what string) ([]any, error) {
	t, ok := v.(pyTuple)
	if !ok {
		return nil, fmt.Errorf("%s is a %s, not a tuple", what, describe(v))
	}
	for i, x := range t {
		switch x.(type) {
		case int64, *big.Int:
		default:
			return nil, fmt.Errorf("%s %s: element %d is a %s, not an int", what, describe(t), i, describe(x))
		}
	}
	return t, nil
}

// checkDims converts the ints of a size or stride tuple, refusing negative
// values and values above maxElements.
func checkDims(v []any, what string) ([]int, error) {
	out := make([]int, len(v))
	for i, x := range v {
		n, ok := x.(int64)
		switch {
		case !ok || n > maxElements:
			return nil, fmt.Errorf("%s %s (dimension %d of %s) exceeds the limit of 2^50", what, describe(x), i, describe(pyTuple(v)))
		case n < 0:
			return nil, fmt.Errorf("%s %d (dimension %d of %s) is negative", what, n, i, describe(pyTuple(v)))
		}
		out[i] = int(n)
	}
	return out, nil
}

// newStateDictUnpickler returns an unpickler for a state_dict whose storages
// are resolved by persist.
func newStateDictUnpickler(r io.Reader, limit int64, persist func(pyTuple) (*pyStorage, error)) *unpickler {
	values := map[pyGlobal]bool{}
	for g := range storageTypes {
		values[g] = true
	}
	return &unpickler{
		r: bufio.NewReader(r), limit: limit, calls: stateDictCalls, values: values,
		persist: func(pid any) (any, error) {
			t, ok := pid.(pyTuple)
			if !ok || len(t) < 5 || t[0] != "storage" {
				return nil, fmt.Errorf("expected ('storage', type, key, location, numel, ...), found %s", describe(pid))
			}
			return persist(t)
		},
	}
}

// storageID decodes the common head of a persistent id:
// ('storage', storage_type, key, location, numel, ...).
func storageID(t pyTuple) (*pyStorage, error) {
	g, _ := t[1].(pyGlobal)
	dtype, ok := storageTypes[g]
	if !ok {
		return nil, fmt.Errorf("unknown storage type %s", describe(t[1]))
	}
	key, ok := t[2].(string)
	if !ok {
		return nil, fmt.Errorf("storage key is a %T, not a string", t[2])
	}
	numel, ok := t[4].(int64)
	switch _, isBig := t[4].(*big.Int); {
	case isBig || ok && numel > maxElements:
		return nil, fmt.Errorf("storage %q: size %s elements exceeds the limit of 2^50", key, describe(t[4]))
	case !ok:
		return nil, fmt.Errorf("storage %q: size is a %s, not an int", key, describe(t[4]))
	case numel < 0:
		return nil, fmt.Errorf("storage %q: size %d elements is negative", key, numel)
	}
	return &pyStorage{dtype: dtype, root: key, numel: numel}, nil
}

// collectTensors flattens the unpickled state_dict into name → tensor,
// joining the keys of nested dicts with "." (a checkpoint such as
// {"model": state_dict, "epoch": 3} yields "model.features.0.weight") and
// skipping values that are not tensors.
func collectTensors(v any, prefix string, out map[string]*pyTensor, seen map[*pyDict]bool) error {
	d, ok := v.(*pyDict)
	if !ok {
		return fmt.Errorf("the pickle holds a %s, not a state_dict (a dict of tensors)", describe(v))
	}
	if seen[d] {
		return fmt.Errorf("dict %q contains itself", prefix)
	}
	seen[d] = true
	for _, k := range d.keys {
		name := fmt.Sprint(k)
		if prefix != "" {
			name = prefix + "." + name
		}
		switch x := d.values[k].(type) {
		case *pyTensor:
			out[name] = x
		case *pyDict:
			if err := collectTensors(x, name, out, seen); err != nil {
				return err
			}
		}
	}
	return nil
}

// buildEntries turns unpickled tensors into validated entries over the
// storages that resolve returns.
func buildEntries(f *File, tensors map[string]*pyTensor, resolve func(*pyStorage) (*storage, error)) error {
	f.entries = make(map[string]*entry, len(tensors))
	for name, t := range tensors {
		st, err := resolve(t.storage)
		if err != nil {
			return fmt.Errorf("weights: %s: tensor %q: %v", f.name, name, err)
		}
		shape, err := checkDims(t.shape, "size")
		if err != nil {
			return fmt.Errorf("weights: %s: tensor %q: %v", f.name, name, err)
		}
		strides, err := checkDims(t.strides, "stride")
		if err != nil {
			return fmt.Errorf("weights: %s: tensor %q: %v", f.name, name, err)
		}
		if t.offset < 0 || t.offset > maxElements {
			return fmt.Errorf("weights: %s: tensor %q: storage offset %d is outside [0, 2^50]", f.name, name, t.offset)
		}
		e := &entry{dtype: t.storage.dtype, shape: shape, strides: strides, offset: t.offset + t.storage.offset, storage: st}
		if err := checkEntry(e); err != nil {
			return fmt.Errorf("weights: %s: tensor %q: %v", f.name, name, err)
		}
		f.entries[name] = e
	}
	return nil
}

// readTorchZip reads the torch.save zip format: <prefix>/data.pkl holds the
// pickled state_dict and <prefix>/data/<key> the raw bytes of each storage.
func readTorchZip(r io.ReaderAt, size int64, name string) (*File, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, fmt.Errorf("weights: %s: not a readable zip archive: %v", name, err)
	}
	files := map[string]*zip.File{}
	var pkl *zip.File
	for _, zf := range zr.File {
		clean := strings.TrimSuffix(zf.Name, "/")
		if !fs.ValidPath(clean) || strings.Contains(clean, `\`) {
			return nil, fmt.Errorf("weights: %s: zip entry %q has a path outside the archive", name, zf.Name)
		}
		files[clean] = zf
		if _, base, ok := strings.Cut(clean, "/"); ok && base == "data.pkl" {
			if pkl != nil {
				return nil, fmt.Errorf("weights: %s: two data.pkl entries (%q, %q)", name, pkl.Name, zf.Name)
			}
			pkl = zf
		}
	}
	if pkl == nil {
		return nil, fmt.Errorf("weights: %s: zip archive without a <name>/data.pkl entry: not a torch.save file", name)
	}
	prefix := strings.TrimSuffix(pkl.Name, "data.pkl")
	if bo, ok := files[prefix+"byteorder"]; ok {
		b, err := readSmall(bo)
		if err != nil {
			return nil, fmt.Errorf("weights: %s: %v", name, err)
		}
		if b != "little" {
			return nil, fmt.Errorf("weights: %s: byte order %q: only little-endian files are supported", name, b)
		}
	}
	rc, err := pkl.Open()
	if err != nil {
		return nil, fmt.Errorf("weights: %s: %s: %v", name, pkl.Name, err)
	}
	defer rc.Close()
	u := newStateDictUnpickler(rc, int64(pkl.UncompressedSize64), storageID)
	result, err := u.load()
	if err != nil {
		return nil, fmt.Errorf("weights: %s: %s: %v", name, pkl.Name, err)
	}
	tensors := map[string]*pyTensor{}
	if err := collectTensors(result, "", tensors, map[*pyDict]bool{}); err != nil {
		return nil, fmt.Errorf("weights: %s: %v", name, err)
	}
	f := &File{name: name, format: "pth"}
	storages := map[string]*storage{}
	err = buildEntries(f, tensors, func(ps *pyStorage) (*storage, error) {
		if st, ok := storages[ps.root]; ok {
			return st, nil
		}
		zf, ok := files[prefix+"data/"+ps.root]
		if !ok {
			return nil, fmt.Errorf("storage %q: no zip entry %sdata/%s", ps.root, prefix, ps.root)
		}
		want := ps.numel * int64(ps.dtype.Size())
		st, err := zipStorage(r, zf, want)
		if err != nil {
			return nil, fmt.Errorf("storage %q: %v", ps.root, err)
		}
		if st.size < want {
			return nil, fmt.Errorf("storage %q holds %d bytes, expected %d elements of %s (%d bytes)", ps.root, st.size, ps.numel, ps.dtype, want)
		}
		storages[ps.root] = st
		return st, nil
	})
	if err != nil {
		return nil, err
	}
	return f, nil
}

func readSmall(zf *zip.File) (string, error) {
	rc, err := zf.Open()
	if err != nil {
		return "", fmt.Errorf("%s: %v", zf.Name, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, 64))
	if err != nil {
		return "", fmt.Errorf("%s: %v", zf.Name, err)
	}
	return string(b), nil
}

// legacyMagic and legacyProtocol open a legacy torch.save stream
// (torch/serialization.py MAGIC_NUMBER, PROTOCOL_VERSION).
var legacyMagic, _ = new(big.Int).SetString("1950a86a20f9469cfc6c", 16)

const legacyProtocol = 1001

// readTorchLegacy reads the pre-1.6 torch.save format: pickles of the magic
// number, the protocol version, a sys_info dict and the state_dict, a
// pickled list of storage keys, then for each key in that order an int64
// element count followed by the storage's raw bytes.
func readTorchLegacy(r io.ReaderAt, size int64, name string) (*File, error) {
	fail := func(format string, args ...any) error {
		return fmt.Errorf("weights: %s: legacy .pth: "+format, append([]any{name}, args...)...)
	}
	roots := map[string]*pyStorage{}
	u := newStateDictUnpickler(io.NewSectionReader(r, 0, size), size, func(t pyTuple) (*pyStorage, error) {
		if len(t) != 6 {
			return nil, fmt.Errorf("expected a 6-element storage id, found %s", describe(t))
		}
		ps, err := storageID(t)
		if err != nil {
			return nil, err
		}
		if prev, ok := roots[ps.root]; ok {
			if prev.dtype != ps.dtype || prev.numel != ps.numel {
				return nil, fmt.Errorf("storage %q described twice, differently", ps.root)
			}
		} else {
			roots[ps.root] = ps
		}
		if t[5] == nil {
			return ps, nil
		}
		// view_metadata = (view_key, offset, view_size): a slice of the root storage.
		view, ok := t[5].(pyTuple)
		if !ok || len(view) != 3 {
			return nil, fmt.Errorf("storage %q: view metadata %s", ps.root, describe(t[5]))
		}
		off, ok1 := view[1].(int64)
		n, ok2 := view[2].(int64)
		if !ok1 || !ok2 || off < 0 || n < 0 || off > ps.numel || n > ps.numel-off {
			return nil, fmt.Errorf("storage %q: view %s outside %d elements", ps.root, describe(view), ps.numel)
		}
		return &pyStorage{dtype: ps.dtype, root: ps.root, offset: off, numel: n}, nil
	})
	magic, err := u.load()
	if err != nil {
		return nil, fail("%v", err)
	}
	if m, ok := magic.(*big.Int); !ok || m.Cmp(legacyMagic) != 0 {
		return nil, fail("the first pickle is %s, not torch.save's magic number", describe(magic))
	}
	if v, err := u.load(); err != nil || v != int64(legacyProtocol) {
		return nil, fail("protocol version %v (error %v), expected %d", describe(v), err, legacyProtocol)
	}
	sysInfo, err := u.load()
	if err != nil {
		return nil, fail("sys_info: %v", err)
	}
	if d, ok := sysInfo.(*pyDict); ok && d.values["little_endian"] == false {
		return nil, fail("written on a big-endian machine: only little-endian files are supported")
	}
	result, err := u.load()
	if err != nil {
		return nil, fail("%v", err)
	}
	tensors := map[string]*pyTensor{}
	if err := collectTensors(result, "", tensors, map[*pyDict]bool{}); err != nil {
		return nil, fail("%v", err)
	}
	keysValue, err := u.load()
	if err != nil {
		return nil, fail("storage keys: %v", err)
	}
	keys, ok := keysValue.(*pyList)
	if !ok {
		return nil, fail("storage keys are a %s, not a list", describe(keysValue))
	}
	// Walk the storage records: each is an int64 element count and the data.
	storages := map[string]*storage{}
	pos := u.pos
	for _, k := range keys.items {
		key, _ := k.(string)
		ps, ok := roots[key]
		if !ok {
			return nil, fail("storage key %s is not used by any tensor", describe(k))
		}
		var hdr [8]byte
		if pos > size-8 {
			return nil, fail("storage %q: truncated file (record at byte %d of %d)", key, pos, size)
		}
		if _, err := r.ReadAt(hdr[:], pos); err != nil {
			return nil, fail("storage %q: %v", key, err)
		}
		numel := int64(binary.LittleEndian.Uint64(hdr[:]))
		if numel != ps.numel {
			return nil, fail("storage %q: record says %d elements, the pickle %d", key, numel, ps.numel)
		}
		nbytes := numel * int64(ps.dtype.Size())
		if nbytes > size-pos-8 {
			return nil, fail("storage %q: truncated file (%d bytes of data at byte %d, file has %d)", key, nbytes, pos+8, size)
		}
		storages[key] = &storage{r: r, base: pos + 8, size: nbytes}
		pos += 8 + nbytes
	}
	f := &File{name: name, format: "pth (legacy)"}
	err = buildEntries(f, tensors, func(ps *pyStorage) (*storage, error) {
		st, ok := storages[ps.root]
		if !ok {
			return nil, fmt.Errorf("storage %q has no data record", ps.root)
		}
		return st, nil
	})
	if err != nil {
		return nil, err
	}
	return f, nil
}
