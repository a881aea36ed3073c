package datasets

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"io"
	"os"

	"github.com/neuralart/neuralart/pkg/internal/errkind"
)

// IDX is the content of an IDX file (the format of the MNIST distribution):
// an n-dimensional array of unsigned bytes in row-major order.
type IDX struct {
	// Dims are the array's dimensions, outermost first: [N] for labels,
	// [N, rows, cols] for images.
	Dims []int
	// Data holds the product of Dims bytes.
	Data []byte
}

// idxUnsignedByte is the only IDX element type MNIST uses (0x08).
const idxUnsignedByte = 0x08

// maxIDXBytes bounds what a header may announce, so that a corrupted header
// cannot make the reader attempt a huge allocation.
const maxIDXBytes = 1 << 32

// ReadIDXFile reads an IDX file, gzip-compressed (as distributed) or not.
// Errors name the file.
func ReadIDXFile(path string) (*IDX, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	idx, err := ReadIDX(f)
	if err != nil {
		return nil, fmt.Errorf("datasets: %s: %w", path, err)
	}
	return idx, nil
}

// ReadIDX parses an IDX stream, gunzipping it first when it starts with the
// gzip magic. The header is a zero 16-bit word, the element type (only 0x08,
// unsigned byte, is accepted), the number of dimensions and each dimension as
// a big-endian uint32; exactly the product of the dimensions in bytes must
// follow.
func ReadIDX(r io.Reader) (*IDX, error) {
	br := bufio.NewReader(r)
	var src io.Reader = br
	if head, err := br.Peek(2); err == nil && head[0] == 0x1f && head[1] == 0x8b {
		gz, err := gzip.NewReader(br)
		if err != nil {
			return nil, errkind.Mark(ErrFormat, fmt.Errorf("bad gzip header: %w", err))
		}
		defer gz.Close()
		src = gz
	}
	idx, err := readIDX(src)
	return idx, errkind.Mark(ErrFormat, err)
}

func readIDX(r io.Reader) (*IDX, error) {
	var magic [4]byte
	if _, err := io.ReadFull(r, magic[:]); err != nil {
		return nil, fmt.Errorf("IDX header: expected 4 magic bytes: %w", noEOF(err))
	}
	if magic[0] != 0 || magic[1] != 0 {
		return nil, fmt.Errorf("not an IDX file: magic %#x, expected 0x0000 then type and rank", magic)
	}
	if magic[2] != idxUnsignedByte {
		return nil, fmt.Errorf("IDX element type %#02x not supported, expected %#02x (unsigned byte)", magic[2], idxUnsignedByte)
	}
	rank := int(magic[3])
	if rank == 0 {
		return nil, fmt.Errorf("IDX rank 0, expected at least one dimension")
	}
	raw := make([]byte, 4*rank)
	if _, err := io.ReadFull(r, raw); err != nil {
		return nil, fmt.Errorf("IDX header: expected %d dimensions: %w", rank, noEOF(err))
	}
	dims := make([]int, rank)
	size := int64(1)
	for i := range dims {
		dims[i] = int(binary.BigEndian.Uint32(raw[4*i:]))
		if dims[i] > 0 && size > maxIDXBytes/int64(dims[i]) {
			return nil, fmt.Errorf("IDX dimensions %v announce more than %d bytes", dims[:i+1], int64(maxIDXBytes))
		}
		size *= int64(dims[i])
	}
	// ReadAll grows its buffer as bytes arrive, so a lying header costs
	// nothing until the data is really there.
	data, err := io.ReadAll(io.LimitReader(r, size))
	if err != nil {
		return nil, fmt.Errorf("IDX data: %w", err)
	}
	if int64(len(data)) != size {
		return nil, fmt.Errorf("truncated IDX data: dimensions %v need %d bytes, found %d", dims, size, len(data))
	}
	var extra [1]byte
	if n, _ := io.ReadFull(r, extra[:]); n != 0 {
		return nil, fmt.Errorf("IDX data longer than its dimensions %v announce (%d bytes)", dims, size)
	}
	return &IDX{Dims: dims, Data: data}, nil
}

// noEOF turns the EOF of a short read into ErrUnexpectedEOF: inside a header
// any end of input is a truncation.
func noEOF(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// WriteIDX writes an unsigned-byte IDX stream (uncompressed); it is the
// inverse of [ReadIDX] and lets users store their own data sets in MNIST's
// format.
func WriteIDX(w io.Writer, idx *IDX) error {
	if len(idx.Dims) == 0 || len(idx.Dims) > 255 {
		return fmt.Errorf("datasets: IDX rank %d, expected 1 to 255", len(idx.Dims))
	}
	size := 1
	for _, d := range idx.Dims {
		if d < 0 || uint64(d) > 0xffffffff {
			return fmt.Errorf("datasets: IDX dimension %d out of range", d)
		}
		size *= d
	}
	if size != len(idx.Data) {
		return fmt.Errorf("datasets: IDX dimensions %v need %d bytes, data has %d", idx.Dims, size, len(idx.Data))
	}
	var buf bytes.Buffer
	buf.Write([]byte{0, 0, idxUnsignedByte, byte(len(idx.Dims))})
	for _, d := range idx.Dims {
		_ = binary.Write(&buf, binary.BigEndian, uint32(d))
	}
	buf.Write(idx.Data)
	_, err := w.Write(buf.Bytes())
	return err
}
