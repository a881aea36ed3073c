package weights

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"math/big"
	"strings"
)

// The pickle opcodes a torch.save state_dict uses (protocol 2, plus the few
// protocol 3-5 framing and string opcodes a newer pickler may emit).
// See Python's Lib/pickletools.py for their definitions.
const (
	opMark           = '('
	opStop           = '.'
	opPop            = '0'
	opPopMark        = '1'
	opDup            = '2'
	opBinInt         = 'J'
	opBinInt1        = 'K'
	opBinInt2        = 'M'
	opNone           = 'N'
	opBinPersID      = 'Q'
	opReduce         = 'R'
	opBinString      = 'T'
	opShortBinString = 'U'
	opBinUnicode     = 'X'
	opAppend         = 'a'
	opBuild          = 'b'
	opGlobal         = 'c'
	opDict           = 'd'
	opEmptyDict      = '}'
	opAppends        = 'e'
	opBinGet         = 'h'
	opLongBinGet     = 'j'
	opList           = 'l'
	opEmptyList      = ']'
	opBinPut         = 'q'
	opLongBinPut     = 'r'
	opSetItem        = 's'
	opTuple          = 't'
	opEmptyTuple     = ')'
	opSetItems       = 'u'
	opBinFloat       = 'G'
	opProto          = 0x80
	opNewObj         = 0x81
	opTuple1         = 0x85
	opTuple2         = 0x86
	opTuple3         = 0x87
	opNewTrue        = 0x88
	opNewFalse       = 0x89
	opLong1          = 0x8a
	opLong4          = 0x8b
	opBinBytes       = 'B'
	opShortBinBytes  = 'C'
	opShortBinUni    = 0x8c
	opBinUnicode8    = 0x8d
	opBinBytes8      = 0x8e
	opStackGlobal    = 0x93
	opMemoize        = 0x94
	opFrame          = 0x95
)

// Values the unpickler builds. Python str and bytes both become Go strings;
// ints become int64 (or *big.Int when they do not fit).
type (
	pyTuple []any
	pyList  struct{ items []any }
	pyDict  struct {
		keys   []any
		values map[any]any
	}
	pyGlobal struct{ module, name string }
	pyMark   struct{}
)

func newDict() *pyDict { return &pyDict{values: map[any]any{}} }

func (d *pyDict) set(k, v any) error {
	switch k.(type) {
	case string, int64, bool, float64, nil:
	default:
		return fmt.Errorf("dict key of type %T", k)
	}
	if _, ok := d.values[k]; !ok {
		if len(d.keys) >= maxItems {
			return fmt.Errorf("a dict of more than %d items (the limit for a state_dict)", maxItems)
		}
		d.keys = append(d.keys, k)
	}
	d.values[k] = v
	return nil
}

// callable is a Python function a state_dict pickle may call through REDUCE;
// it is a Go reimplementation, never a call into anything named by the file.
type callable func(args pyTuple) (any, error)

// unpickler interprets a pickle stream. It resolves only the globals in
// calls (functions it may apply with REDUCE) and in values (names it may
// pass around as arguments, e.g. storage types); any other global is an error.
type unpickler struct {
	r       *bufio.Reader
	pos     int64 // bytes consumed from the start of the stream
	limit   int64 // bytes available: no length field may claim more
	stack   []any
	marks   []int
	memo    map[uint32]any
	calls   map[pyGlobal]callable
	values  map[pyGlobal]bool
	persist func(pid any) (any, error)
}

// Bounds on the unpickler's memory, generous for any real state_dict, far
// too small for a hostile stream to exhaust memory with a few bytes per op.
const (
	// maxMemo bounds the memo table; torch.save memoizes about ten objects per
	// tensor, so a state_dict of a few hundred tensors uses a few thousand entries.
	maxMemo = 1 << 18
	// maxStack bounds the values on the stack: the pickler pushes at most
	// 1000 dict or list items (2000 values) between marks.
	maxStack = 1 << 17
	// maxMarks bounds how deeply MARKs nest: one per tuple, list or dict
	// being built inside another, a handful in a state_dict.
	maxMarks = 1 << 10
	// maxItems bounds the items of one list or dict.
	maxItems = 1 << 18
)

func (u *unpickler) errorf(format string, args ...any) error {
	return fmt.Errorf("pickle at byte %d: %s", u.pos, fmt.Sprintf(format, args...))
}

func (u *unpickler) read(n int64) ([]byte, error) {
	if n < 0 || n > u.limit-u.pos {
		return nil, u.errorf("a length of %d bytes runs past the end of the data", n)
	}
	if n <= 64<<10 { // small reads (nearly all of them) need no buffer growth
		b := make([]byte, n)
		if _, err := io.ReadFull(u.r, b); err != nil {
			return nil, u.errorf("truncated: %v", err)
		}
		u.pos += n
		return b, nil
	}
	// Grow the buffer as bytes arrive rather than trusting a length field
	// (the limit of a compressed zip entry is only what its header claims).
	var buf bytes.Buffer
	if _, err := io.CopyN(&buf, u.r, n); err != nil {
		return nil, u.errorf("truncated: %v", err)
	}
	u.pos += n
	return buf.Bytes(), nil
}

func (u *unpickler) readUint(n int) (uint64, error) {
	b, err := u.read(int64(n))
	if err != nil {
		return 0, err
	}
	var v uint64
	for i := n - 1; i >= 0; i-- {
		v = v<<8 | uint64(b[i])
	}
	return v, nil
}

func (u *unpickler) readLine() (string, error) {
	var sb strings.Builder
	for {
		b, err := u.read(1)
		if err != nil {
			return "", err
		}
		if b[0] == '\n' {
			return sb.String(), nil
		}
		if sb.Len() > 1024 {
			return "", u.errorf("line longer than 1024 bytes")
		}
		sb.WriteByte(b[0])
	}
}

// push pushes v; a stack over maxStack is an error at the next step.
func (u *unpickler) push(v any) { u.stack = append(u.stack, v) }

func (u *unpickler) pop() (any, error) {
	if len(u.stack) == 0 || (len(u.marks) > 0 && len(u.stack) == u.marks[len(u.marks)-1]) {
		return nil, u.errorf("stack underflow")
	}
	v := u.stack[len(u.stack)-1]
	u.stack = u.stack[:len(u.stack)-1]
	return v, nil
}

// pop2 pops the top two items, returning them in stack order (a below b).
func (u *unpickler) pop2() (a, b any, err error) {
	if b, err = u.pop(); err != nil {
		return nil, nil, err
	}
	if a, err = u.pop(); err != nil {
		return nil, nil, err
	}
	return a, b, nil
}

func (u *unpickler) top() (any, error) {
	if len(u.stack) == 0 || (len(u.marks) > 0 && len(u.stack) == u.marks[len(u.marks)-1]) {
		return nil, u.errorf("stack underflow")
	}
	return u.stack[len(u.stack)-1], nil
}

// topDict returns the dict on top of the stack, which op adds items to.
func (u *unpickler) topDict(op string) (*pyDict, error) {
	top, err := u.top()
	if err != nil {
		return nil, err
	}
	d, ok := top.(*pyDict)
	if !ok {
		return nil, u.errorf("%s on a %T, not a dict", op, top)
	}
	return d, nil
}

// popMark pops the items pushed since the last MARK.
func (u *unpickler) popMark() ([]any, error) {
	if len(u.marks) == 0 {
		return nil, u.errorf("no MARK on the stack")
	}
	m := u.marks[len(u.marks)-1]
	u.marks = u.marks[:len(u.marks)-1]
	items := append([]any(nil), u.stack[m:]...)
	u.stack = u.stack[:m]
	return items, nil
}

func (u *unpickler) memoize(idx uint32) error {
	v, err := u.top()
	if err != nil {
		return err
	}
	if _, ok := u.memo[idx]; !ok && len(u.memo) >= maxMemo {
		return u.errorf("more than %d memo entries (the limit for a state_dict)", maxMemo)
	}
	u.memo[idx] = v
	return nil
}

func (u *unpickler) get(idx uint32) error {
	v, ok := u.memo[idx]
	if !ok {
		return u.errorf("memo entry %d used before it was set", idx)
	}
	u.push(v)
	return nil
}

// load runs the pickle program up to its STOP and returns the result.
func (u *unpickler) load() (any, error) {
	if u.memo == nil {
		u.memo = map[uint32]any{}
	}
	for {
		if u.pos >= u.limit {
			return nil, u.errorf("truncated: no STOP opcode before the end of the data")
		}
		op, err := u.r.ReadByte()
		if err != nil {
			return nil, u.errorf("truncated: %v", err)
		}
		u.pos++
		if op == opStop {
			v, err := u.pop()
			if err != nil {
				return nil, err
			}
			return v, nil
		}
		if err := u.step(op); err != nil {
			return nil, err
		}
		if len(u.stack) > maxStack {
			return nil, u.errorf("more than %d values on the stack (the limit for a state_dict)", maxStack)
		}
	}
}

// step executes one opcode.
func (u *unpickler) step(op byte) error {
	switch op {
	case opProto:
		v, err := u.readUint(1)
		if err != nil {
			return err
		}
		if v > 5 {
			return u.errorf("unknown pickle protocol %d", v)
		}
	case opFrame:
		_, err := u.readUint(8)
		return err
	case opMark:
		if len(u.marks) >= maxMarks {
			return u.errorf("more than %d nested MARKs (the limit for a state_dict)", maxMarks)
		}
		u.marks = append(u.marks, len(u.stack))
	case opPop:
		_, err := u.pop()
		return err
	case opPopMark:
		_, err := u.popMark()
		return err
	case opDup:
		v, err := u.top()
		if err != nil {
			return err
		}
		u.push(v)
	case opNone:
		u.push(nil)
	case opNewTrue:
		u.push(true)
	case opNewFalse:
		u.push(false)
	case opBinInt:
		v, err := u.readUint(4)
		if err != nil {
			return err
		}
		u.push(int64(int32(uint32(v))))
	case opBinInt1:
		v, err := u.readUint(1)
		if err != nil {
			return err
		}
		u.push(int64(v))
	case opBinInt2:
		v, err := u.readUint(2)
		if err != nil {
			return err
		}
		u.push(int64(v))
	case opLong1, opLong4:
		width := 1
		if op == opLong4 {
			width = 4
		}
		n, err := u.readUint(width)
		if err != nil {
			return err
		}
		b, err := u.read(int64(n))
		if err != nil {
			return err
		}
		u.push(decodeLong(b))
	case opBinFloat:
		b, err := u.read(8)
		if err != nil {
			return err
		}
		u.push(math.Float64frombits(binary.BigEndian.Uint64(b)))
	case opShortBinString, opShortBinBytes, opShortBinUni, opBinString, opBinBytes, opBinUnicode, opBinUnicode8, opBinBytes8:
		width := map[byte]int{opShortBinString: 1, opShortBinBytes: 1, opShortBinUni: 1,
			opBinString: 4, opBinBytes: 4, opBinUnicode: 4, opBinUnicode8: 8, opBinBytes8: 8}[op]
		n, err := u.readUint(width)
		if err != nil {
			return err
		}
		if n > math.MaxInt64 {
			return u.errorf("string length %d", n)
		}
		b, err := u.read(int64(n))
		if err != nil {
			return err
		}
		u.push(string(b))
	case opEmptyTuple:
		u.push(pyTuple{})
	case opTuple1, opTuple2, opTuple3:
		n := int(op-opTuple1) + 1
		t := make(pyTuple, n)
		for i := n - 1; i >= 0; i-- {
			v, err := u.pop()
			if err != nil {
				return err
			}
			t[i] = v
		}
		u.push(t)
	case opTuple:
		items, err := u.popMark()
		if err != nil {
			return err
		}
		u.push(pyTuple(items))
	case opEmptyList:
		u.push(&pyList{})
	case opList:
		items, err := u.popMark()
		if err != nil {
			return err
		}
		u.push(&pyList{items: items})
	case opAppend, opAppends:
		var items []any
		var err error
		if op == opAppend {
			var v any
			v, err = u.pop()
			items = []any{v}
		} else {
			items, err = u.popMark()
		}
		if err != nil {
			return err
		}
		top, err := u.top()
		if err != nil {
			return err
		}
		l, ok := top.(*pyList)
		if !ok {
			return u.errorf("APPEND to a %T, not a list", top)
		}
		if len(items) > maxItems-len(l.items) {
			return u.errorf("a list of more than %d items (the limit for a state_dict)", maxItems)
		}
		l.items = append(l.items, items...)
	case opEmptyDict:
		u.push(newDict())
	case opDict, opSetItems:
		items, err := u.popMark()
		if err != nil {
			return err
		}
		if len(items)%2 != 0 {
			return u.errorf("odd number of dict items")
		}
		var d *pyDict
		if op == opDict {
			d = newDict()
			u.push(d)
		} else {
			var err error
			if d, err = u.topDict("SETITEMS"); err != nil {
				return err
			}
		}
		for i := 0; i < len(items); i += 2 {
			if err := d.set(items[i], items[i+1]); err != nil {
				return u.errorf("%v", err)
			}
		}
	case opSetItem:
		k, v, err := u.pop2()
		if err != nil {
			return err
		}
		d, err := u.topDict("SETITEM")
		if err != nil {
			return err
		}
		if err := d.set(k, v); err != nil {
			return u.errorf("%v", err)
		}
	case opBinPut, opLongBinPut, opBinGet, opLongBinGet:
		width := 1
		if op == opLongBinPut || op == opLongBinGet {
			width = 4
		}
		idx, err := u.readUint(width)
		if err != nil {
			return err
		}
		if op == opBinPut || op == opLongBinPut {
			return u.memoize(uint32(idx))
		}
		return u.get(uint32(idx))
	case opMemoize:
		return u.memoize(uint32(len(u.memo)))
	case opGlobal:
		module, err := u.readLine()
		if err != nil {
			return err
		}
		name, err := u.readLine()
		if err != nil {
			return err
		}
		return u.global(module, name)
	case opStackGlobal:
		mv, nv, err := u.pop2()
		if err != nil {
			return err
		}
		module, ok1 := mv.(string)
		name, ok2 := nv.(string)
		if !ok1 || !ok2 {
			return u.errorf("STACK_GLOBAL with a %T and a %T, not strings", mv, nv)
		}
		return u.global(module, name)
	case opReduce:
		fn, args, err := u.pop2()
		if err != nil {
			return err
		}
		g, ok := fn.(pyGlobal)
		if !ok || u.calls[g] == nil {
			return u.errorf("refusing to call %v: only state_dict reconstruction functions are allowed", describe(fn))
		}
		t, ok := args.(pyTuple)
		if !ok {
			return u.errorf("arguments to %s.%s are a %T, not a tuple", g.module, g.name, args)
		}
		v, err := u.calls[g](t)
		if err != nil {
			return u.errorf("%s.%s: %v", g.module, g.name, err)
		}
		u.push(v)
	case opBuild:
		// BUILD sets attributes (e.g. an OrderedDict's _metadata) that a
		// state_dict does not need: the state is checked and dropped.
		state, err := u.pop()
		if err != nil {
			return err
		}
		obj, err := u.top()
		if err != nil {
			return err
		}
		if _, ok := obj.(*pyDict); !ok {
			return u.errorf("BUILD on a %s", describe(obj))
		}
		switch state.(type) {
		case *pyDict, nil, pyTuple:
		default:
			return u.errorf("BUILD with a %T state", state)
		}
	case opBinPersID:
		pid, err := u.pop()
		if err != nil {
			return err
		}
		if u.persist == nil {
			return u.errorf("unexpected persistent id %v", describe(pid))
		}
		v, err := u.persist(pid)
		if err != nil {
			return u.errorf("persistent id: %v", err)
		}
		u.push(v)
	case opNewObj:
		return u.errorf("refusing NEWOBJ: a state_dict creates no objects")
	default:
		return u.errorf("unsupported pickle opcode 0x%02x (%q)", op, op)
	}
	return nil
}

// global pushes the allowed global module.name, refusing all others.
func (u *unpickler) global(module, name string) error {
	g := pyGlobal{module, name}
	if u.calls[g] != nil || u.values[g] {
		u.push(g)
		return nil
	}
	return u.errorf("refusing global %s.%s: a state_dict pickle may only name tensors, storages and OrderedDict", module, name)
}

// decodeLong decodes a little-endian two's-complement integer (LONG1/LONG4).
func decodeLong(b []byte) any {
	if len(b) == 0 {
		return int64(0)
	}
	if len(b) <= 8 {
		var v uint64
		for i := len(b) - 1; i >= 0; i-- {
			v = v<<8 | uint64(b[i])
		}
		shift := 64 - 8*uint(len(b))
		return int64(v<<shift) >> shift
	}
	be := make([]byte, len(b))
	for i, c := range b {
		be[len(b)-1-i] = c
	}
	v := new(big.Int).SetBytes(be)
	if b[len(b)-1]&0x80 != 0 {
		v.Sub(v, new(big.Int).Lsh(big.NewInt(1), uint(8*len(b))))
	}
	return v
}

// describe names a pickle value for an error message.
func describe(v any) string {
	switch v := v.(type) {
	case pyGlobal:
		return v.module + "." + v.name
	case nil:
		return "None"
	case int64, bool:
		return fmt.Sprint(v)
	case *big.Int:
		if v.BitLen() > 128 {
			return fmt.Sprintf("an int of %d bits", v.BitLen())
		}
		return v.String()
	case string:
		if len(v) > 40 {
			v = v[:40] + "..."
		}
		return fmt.Sprintf("%q", v)
	case pyTuple:
		parts := make([]string, len(v))
		for i, x := range v {
			parts[i] = describe(x)
		}
		return "(" + strings.Join(parts, ", ") + ")"
	}
	return fmt.Sprintf("%T", v)
}
