// Package display shows images, tensors, plots and progress in a GoNB
// notebook, and writes the same things to files when there is no notebook.
//
// It is the notebook counterpart of matplotlib's imshow and plot,
// torchvision.utils.make_grid and tqdm, built on GoNB's gonbui API. It is
// the only neuralart package that imports GoNB: the math packages hand it
// tensors, and it turns them into pixels through package images.
//
// Every function works in and out of a notebook. In a notebook
// (gonbui.IsNotebook) output is sent to the cell. Elsewhere, in tests and scripts, images and
// pages are written into a directory ($NEURALART_DISPLAY_DIR, default
// os.TempDir()/neuralart) and their paths printed, and progress is printed
// as text: redrawn in place on a terminal, a line per interval in a log.
// A [Screen] holds that choice; the package-level functions use [Default].
//
// Long-running views update in place: [Live] (loss curves and the latest
// images during training) and [Progress] (a bar with rate and ETA) redraw a
// single output with gonbui.UpdateHTML instead of appending hundreds of
// outputs. Jupyter treats such updated outputs as transient, so when they
// finish they blank the transient output and display their final state as
// an ordinary output, which is what the saved notebook, nbconvert and its
// HTML export keep.
//
// Plots ([LinePlot]) are small hand-written SVG documents embedded in HTML,
// so they need no JavaScript and survive in the .ipynb file and its HTML
// export; gonbui.DisplaySVG does the same for the same reason. Quantities
// of different scales go in panels side by side, each with its own Y axis
// ([PanelPlot]), never on one linear axis where the smaller ones would be
// flat lines; log axes cover data within two decades tightly, from the
// nearest 1, 2 or 5 × 10ᵏ. Long series are thinned to at most four points
// per pixel column, spikes kept, so a live view of thousands of steps stays
// a few tens of kilobytes. (gonum.org/v1/plot v0.17 draws the same
// figures, but keeps every point: 15 KB against 9 KB for two curves of 300
// steps, 280 KB against 36 KB for 10 000; it also adds eight
// modules to the build.) Heatmaps of
// feature maps and Gram matrices (Gatys, Ecker & Bethge 2016, eq. 3) use
// images.Heatmap and images.FeatureMaps with the viridis colormap.
package display
