package images_test

import (
	"bytes"
	"image"
	"image/color"
	"image/gif"
	"testing"
	"time"

	"github.com/neuralart/neuralart/pkg/images"
)

func TestEncodeGIFAndTile(t *testing.T) {
	var frames []image.Image
	for i := range 3 {
		f := image.NewRGBA(image.Rect(0, 0, 4, 2))
		f.Set(i, 0, color.White)
		frames = append(frames, images.Tile(f, 2, 3))
	}
	if got := frames[0].Bounds(); got != image.Rect(0, 0, 8, 6) {
		t.Fatalf("Tile(4×2, 2, 3) is %v, want 8×6", got)
	}
	if r, _, _, _ := frames[1].At(5, 4).RGBA(); r != 0xffff {
		t.Errorf("Tile: pixel (5, 4), the copy of (1, 0), is %v, want white", frames[1].At(5, 4))
	}
	var buf bytes.Buffer
	if err := images.EncodeGIF(&buf, frames, 250*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	anim, err := gif.DecodeAll(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if len(anim.Image) != 3 || anim.Delay[0] != 25 || anim.LoopCount != 0 {
		t.Errorf("decoded %d frames, delay %v, loop count %d; want 3 frames of 25/100 s looping forever", len(anim.Image), anim.Delay, anim.LoopCount)
	}
	if r, _, _, _ := anim.Image[2].At(2, 0).RGBA(); r != 0xffff {
		t.Errorf("frame 2's white pixel decoded as %v", anim.Image[2].At(2, 0))
	}
	if err := images.EncodeGIF(&buf, []image.Image{frames[0], image.NewRGBA(image.Rect(0, 0, 1, 1))}, time.Second); err == nil {
		t.Error("EncodeGIF of frames of two sizes: no error")
	}
}
