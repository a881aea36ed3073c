package display

import (
	"context"
	"fmt"
	"html"
	"time"

	"github.com/janpfeifer/gonb/gonbui"
	"github.com/janpfeifer/gonb/gonbui/comms"
	"github.com/janpfeifer/gonb/gonbui/dom"
	"github.com/janpfeifer/gonb/gonbui/widgets"
)

// gonbWidgets is the widgetKit of GoNB's gonbui/widgets.
type gonbWidgets struct{}

// frontEnd asks the browser for a value, as the widgets do for their first
// one, but gives up after probe. The subscription makes GoNB install its
// WebSocket in the browser (waiting up to 3 s for it to connect) before it
// reads the script that sends the value back; gonbui.Sync returns once GoNB
// has read that script, so probe only has to cover the browser's round trip.
func (gonbWidgets) frontEnd(ctx context.Context, probe time.Duration) bool {
	if !gonbui.IsNotebook || gonbui.Error() != nil {
		return false
	}
	address := "/neuralart/probe/" + gonbui.UniqueId()
	answers := comms.Listen[int](address)
	defer answers.Close()
	dom.TransientJavascript(fmt.Sprintf(`globalThis.gonb_comm?.send(%q, 1);`, address))
	return answered(ctx, answers.C, probe)
}

// answered reports whether a value arrives on c within timeout.
func answered(ctx context.Context, c <-chan int, timeout time.Duration) bool {
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case <-c:
		return true
	case <-timer.C:
	case <-ctx.Done():
	}
	return false
}

// show puts each control, with its label and value, and a Done button in
// a transient output: they work while the cell runs and are not saved with
// the notebook, where they could do nothing.
func (gonbWidgets) show(controls []Control) (<-chan change, <-chan struct{}, func()) {
	uid := gonbui.UniqueId()
	area, root := "neuralart_controls_"+uid, "neuralart_controls_div_"+uid
	gonbui.UpdateHTML(area, fmt.Sprintf(`<div id="%s" style="font-family:sans-serif"></div>`, root))
	changes := make(chan change, len(controls))
	var listeners []*comms.AddressChan[int]
	for i := range controls {
		c := &controls[i]
		valueID := fmt.Sprintf("%s_value_%d", root, i)
		dom.Append(root, fmt.Sprintf(`<div>%s <span id="%s">%s</span></div>`,
			html.EscapeString(c.Label), valueID, html.EscapeString(c.formatValue(c.Value))))
		var listener *comms.AddressChan[int]
		if c.Choices != nil {
			listener = widgets.Select(c.Choices).SetDefault(c.Value).AppendTo(root).Done().Listen()
		} else {
			listener = widgets.Slider(c.Min, c.Max, c.Value).AppendTo(root).Done().Listen()
		}
		listener.LatestOnly()
		listeners = append(listeners, listener)
		go func() {
			for v := range listener.C {
				dom.SetInnerText(valueID, c.formatValue(v))
				changes <- change{control: i, value: v}
			}
		}()
	}
	clicks := widgets.Button("Done").AppendTo(root).Done().Listen()
	listeners = append(listeners, clicks)
	done := make(chan struct{})
	go func() {
		<-clicks.C
		close(done)
	}()
	remove := func() {
		for _, l := range listeners {
			l.Close()
		}
		gonbui.UpdateHTML(area, "")
		gonbui.Sync()
	}
	return changes, done, remove
}
