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
// export; gonbui.DisplaySVG does the same for the same reason. Heatmaps of
// feature maps and Gram matrices (Gatys, Ecker & Bethge 2016, eq. 3) use
// images.Heatmap and images.FeatureMaps with the viridis colormap.
package display
