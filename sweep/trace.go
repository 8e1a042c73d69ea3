package sweep

import (
	"bytes"
	"io"
	"strings"

	"golang.org/x/exp/trace"
)

// waitSites reads an execution trace of ops ops: the time goroutines spent
// waiting (sleep, IO, channels, select, sync), by the site where they
// waited and the reason the runtime gives, per op. The benchmark's own
// goroutine (waiting for its workers) and the harness's are left out.
func (f frames) waitSites(data []byte, ops int) ([]Site, error) {
	r, err := trace.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	type wait struct {
		at     trace.Time
		reason string
		st     []frame
	}
	waiting := map[trace.GoID]wait{}
	t := newTally(f)
	for {
		ev, err := r.ReadEvent()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if ev.Kind() != trace.EventStateTransition {
			continue
		}
		st := ev.StateTransition()
		if st.Resource.Kind != trace.ResourceGoroutine {
			continue
		}
		id := st.Resource.Goroutine()
		from, to := st.Goroutine()
		switch {
		case to == trace.GoWaiting:
			var frs []frame
			for fr := range st.Stack.Frames() {
				frs = append(frs, frame{fn: fr.Func, file: shortFile(fr.File), line: int(fr.Line)})
			}
			waiting[id] = wait{at: ev.Time(), reason: st.Reason, st: frs}
		case from == trace.GoWaiting:
			w, ok := waiting[id]
			delete(waiting, id)
			if !ok || len(w.st) == 0 || f.harness(w.st) || pkgOf(w.st[len(w.st)-1].fn) == "testing" {
				continue
			}
			at, ok := firstOutside(w.st, "sync", "time", "internal/poll", "net", "os")
			if !ok {
				continue
			}
			t.add(at, w.st, strings.TrimSpace(w.reason), float64(ev.Time().Sub(w.at).Seconds()))
		}
	}
	return t.top(ops), nil
}
