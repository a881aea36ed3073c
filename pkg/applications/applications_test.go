package applications_test

import (
	"image"
	"testing"

	"github.com/neuralart/neuralart/pkg/applications"
	"github.com/neuralart/neuralart/pkg/backend/purego"
	"github.com/neuralart/neuralart/pkg/imagequality"
	"github.com/neuralart/neuralart/pkg/images"
	"github.com/neuralart/neuralart/pkg/style"
	"github.com/neuralart/neuralart/pkg/vgg"
)

func TestPanZoom(t *testing.T) {
	frames, err := applications.PanZoom(loadRetina(t), 4, 40, 30, 0.1, 1.2)
	if err != nil {
		t.Fatal(err)
	}
	if len(frames) != 4 || frames[3].Bounds() != image.Rect(0, 0, 40, 30) {
		t.Fatalf("%d frames, the last %v; want 4 of 40×30", len(frames), frames[len(frames)-1].Bounds())
	}
	if f, err := imagequality.Flicker(frames, frames); err != nil || f != 1 {
		t.Errorf("the frames do not move: Flicker %v, %v", f, err)
	}
	if _, err := applications.PanZoom(loadRetina(t), 4, 40, 30, 0.1, 0.5); err == nil {
		t.Error("PanZoom zooming out (0.5): no error")
	}
}

// TestTileableAndVideo runs the texture and video experiments tiny (32 px,
// a 1/16-width random VGG-19): the plumbing, and that wrap-around padding
// makes the seam no stronger than the texture's own steps.
func TestTileableAndVideo(t *testing.T) {
	if testing.Short() {
		t.Skip("texture synthesis and stylised frames: a few seconds")
	}
	b, err := purego.New()
	if err != nil {
		t.Fatal(err)
	}
	net, err := vgg.RandomWidth(vgg.DefaultSeed, 16)
	if err != nil {
		t.Fatal(err)
	}
	texture := images.Resize(loadRetina(t), 32)
	opts := style.DefaultOptions()
	opts.Size, opts.Iterations = 32, 30
	tiling, err := applications.Tileable(t.Context(), b, net, texture, opts)
	if err != nil {
		t.Fatal(err)
	}
	if net.Circular {
		t.Error("Tileable changed the network it was given")
	}
	if !(tiling.SeamlessSeam < 1.5) || !(tiling.SeamlessSeam < tiling.NaiveSeam) {
		t.Errorf("seam error: seamless %.2f, naive %.2f; want the seamless one near 1 and below the naive one", tiling.SeamlessSeam, tiling.NaiveSeam)
	}

	frames, err := applications.PanZoom(loadRetina(t), 3, 32, 32, 0.1, 1.1)
	if err != nil {
		t.Fatal(err)
	}
	opts.Iterations = 5
	video, err := applications.StylizeVideo(t.Context(), b, net, frames, texture, nil, opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(video.Independent) != 3 || len(video.Warm) != 3 || video.FeedForward != nil {
		t.Errorf("%d independent, %d warm, %d feed-forward frames; want 3, 3, 0", len(video.Independent), len(video.Warm), len(video.FeedForward))
	}
	if !(video.IndependentFlicker > 0) || !(video.WarmFlicker > 0) {
		t.Errorf("flicker %v independent, %v warm; want both > 0", video.IndependentFlicker, video.WarmFlicker)
	}
}
