package cache

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash"
	"math"
	"regexp"

	"github.com/gomlx/gomlx/pkg/core/tensors"
)

// Key names a cached result: the kind of result and the SHA-256 of what it
// was computed from.
type Key struct {
	kind string
	sum  [sha256.Size]byte
}

// Kind returns the kind of result the key names.
func (k Key) Kind() string { return k.kind }

// String returns kind/hex, the key as it appears in paths.
func (k Key) String() string { return k.kind + "/" + hex.EncodeToString(k.sum[:]) }

// kindPattern is what a kind may look like: one safe file name.
var kindPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]*$`)

// KeyBuilder hashes named values into a Key. Each value is written with
// its name, its type and its length, so that no two different sequences of
// values hash alike by running into each other. The first value it cannot
// hash is remembered and returned by Key.
type KeyBuilder struct {
	kind string
	h    hash.Hash
	err  error
}

// NewKey starts a key for results of the given kind: lower-case letters,
// digits, '.', '_' and '-', such as "style-transfer".
func NewKey(kind string) *KeyBuilder {
	b := &KeyBuilder{kind: kind, h: sha256.New()}
	if !kindPattern.MatchString(kind) {
		b.err = fmt.Errorf("cache: key kind %q: want lower-case letters, digits, '.', '_' or '-'", kind)
	}
	b.bytes([]byte(kind))
	return b
}

// Add writes the named value into the key: nil, a bool, a string, an int,
// int64, uint64 or float64, a slice of strings, ints or float64s, or a
// *tensors.Tensor (its dtype, shape and data; nil is hashed as absent).
// Other types are an error, returned by Key.
func (b *KeyBuilder) Add(name string, value any) *KeyBuilder {
	if b.err != nil {
		return b
	}
	b.bytes([]byte(name))
	switch v := value.(type) {
	case nil:
		b.tag('0')
	case bool:
		b.tag('b')
		b.uint(map[bool]uint64{false: 0, true: 1}[v])
	case string:
		b.tag('s')
		b.bytes([]byte(v))
	case int:
		b.tag('i')
		b.uint(uint64(v))
	case int64:
		b.tag('i')
		b.uint(uint64(v))
	case uint64:
		b.tag('u')
		b.uint(v)
	case float64:
		b.tag('f')
		b.uint(math.Float64bits(v))
	case []string:
		b.tag('S')
		b.uint(uint64(len(v)))
		for _, s := range v {
			b.bytes([]byte(s))
		}
	case []int:
		b.tag('I')
		b.uint(uint64(len(v)))
		for _, x := range v {
			b.uint(uint64(x))
		}
	case []float64:
		b.tag('F')
		b.uint(uint64(len(v)))
		for _, x := range v {
			b.uint(math.Float64bits(x))
		}
	case *tensors.Tensor:
		if v == nil {
			b.tag('0')
			break
		}
		b.tag('T')
		b.bytes([]byte(v.DType().String()))
		b.uint(uint64(v.Rank()))
		for _, d := range v.Shape().Dimensions {
			b.uint(uint64(d))
		}
		if err := v.ConstBytes(b.bytes); err != nil {
			b.err = fmt.Errorf("cache: key %s: reading tensor %q: %w", b.kind, name, err)
		}
	default:
		b.err = fmt.Errorf("cache: key %s: %q is a %T; want a bool, string, number, slice of them or *tensors.Tensor", b.kind, name, value)
	}
	return b
}

// Key returns the key, or the first error of Add.
func (b *KeyBuilder) Key() (Key, error) {
	if b.err != nil {
		return Key{}, b.err
	}
	k := Key{kind: b.kind}
	b.h.Sum(k.sum[:0])
	return k, nil
}

func (b *KeyBuilder) tag(t byte) { b.h.Write([]byte{t}) }

func (b *KeyBuilder) uint(v uint64) { b.h.Write(binary.LittleEndian.AppendUint64(nil, v)) }

func (b *KeyBuilder) bytes(data []byte) {
	b.uint(uint64(len(data)))
	b.h.Write(data)
}
