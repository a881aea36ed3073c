package datasets

import (
	"io"
	"slices"
	"testing"
)

// tinyDataset has n 1x2x3 images whose pixels all equal their index·10.
func tinyDataset(n int) *Dataset {
	d := &Dataset{Name: "tiny", Channels: 1, Height: 2, Width: 3, Classes: []string{"a", "b"}}
	for i := range n {
		for range d.ImageSize() {
			d.Pixels = append(d.Pixels, uint8(i*10))
		}
		d.Labels = append(d.Labels, i%2)
	}
	return d
}

func TestBatchesEpoch(t *testing.T) {
	d := tinyDataset(10)
	it, err := d.Batches(BatchOptions{BatchSize: 4, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	var epochs [2][]int
	for e := range epochs {
		for {
			b, ok := it.Next()
			if !ok {
				break
			}
			if dims := b.Images.Shape().Dimensions; dims[1] != 1 || dims[2] != 2 || dims[3] != 3 || dims[0] != len(b.Indices) {
				t.Fatalf("batch shape %v", dims)
			}
			flat := b.Images.Value().([][][][]float32)
			for i, idx := range b.Indices {
				if want := float32(idx*10)/127.5 - 1; flat[i][0][1][2] != want || b.Labels[i] != idx%2 {
					t.Errorf("image %d: pixel %g label %d, want %g %d", idx, flat[i][0][1][2], b.Labels[i], want, idx%2)
				}
			}
			epochs[e] = append(epochs[e], b.Indices...)
		}
	}
	for e, seen := range epochs {
		sorted := slices.Sorted(slices.Values(seen))
		if !slices.Equal(sorted, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}) {
			t.Errorf("epoch %d visited %v, want each image once", e, seen)
		}
	}
	if slices.Equal(epochs[0], epochs[1]) {
		t.Errorf("both epochs in order %v, want a new shuffle per epoch", epochs[0])
	}
	// The same seed gives the same stream; Seek resumes it.
	again, _ := d.Batches(BatchOptions{BatchSize: 4, Seed: 3})
	again.Seek(4)
	if b, _ := again.Next(); !slices.Equal(b.Indices, epochs[1][4:8]) {
		t.Errorf("after Seek(4) got %v, want %v", b.Indices, epochs[1][4:8])
	}
}

func TestBatchesOptions(t *testing.T) {
	d := tinyDataset(10)
	it, _ := d.Batches(BatchOptions{BatchSize: 4, Sequential: true, DropLast: true, Scale: ZeroToOne})
	if it.BatchesPerEpoch() != 2 {
		t.Errorf("DropLast: %d batches per epoch, want 2", it.BatchesPerEpoch())
	}
	b := it.At(1)
	if !slices.Equal(b.Indices, []int{4, 5, 6, 7}) {
		t.Errorf("Sequential: got %v", b.Indices)
	}
	if v := b.Images.Value().([][][][]float32)[3][0][0][0]; v != 70.0/255 {
		t.Errorf("ZeroToOne: got %g, want %g", v, 70.0/255)
	}
	if _, err := d.Batches(BatchOptions{BatchSize: 11, DropLast: true}); err == nil {
		t.Error("a batch larger than the data set with DropLast: want an error")
	}
}

func TestBatchesYield(t *testing.T) {
	it, _ := tinyDataset(5).Batches(BatchOptions{BatchSize: 2})
	n := 0
	for {
		_, in, labels, err := it.Yield()
		if err == io.EOF {
			break
		}
		if len(in) != 1 || len(labels) != 1 || labels[0].Shape().Dimensions[1] != 1 {
			t.Fatalf("Yield: %d inputs, %d labels", len(in), len(labels))
		}
		n++
	}
	if n != 3 {
		t.Errorf("yielded %d batches, want 3", n)
	}
	it.Reset()
	if _, _, _, err := it.Yield(); err != nil {
		t.Errorf("after Reset: %v", err)
	}
}
