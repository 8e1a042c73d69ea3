package sweep

import (
	"bytes"
	"io"
	"strings"

	"golang.org/x/exp/trace"
)

// traceSites reads an execution trace of ops ops into s: the time
// goroutines spent waiting (sleep, IO, channels, select, sync), by the
// site where they waited and the reason the runtime gives (Waits); and
// the time goroutines ran, all of them (RunTotal) and the benchmark's own
// (RunSerial, its root in package testing), exact where CPU samples are
// few. The benchmark's own goroutine's waits (for its workers) and the
// harness's are left out of Waits.
func (f frames) traceSites(data []byte, ops float64, s *Sites) error {
	r, err := trace.NewReader(bytes.NewReader(data))
	if err != nil {
		return err
	}
	type wait struct {
		at     trace.Time
		reason string
		st     []frame
	}
	waiting := map[trace.GoID]wait{}
	running := map[trace.GoID]trace.Time{}
	ran := map[trace.GoID]float64{}
	bench := map[trace.GoID]bool{} // goroutines whose stack's root is in testing
	t := newTally(f)
	for {
		ev, err := r.ReadEvent()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
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
		var root string
		for fr := range st.Stack.Frames() {
			root = fr.Func
		}
		if root != "" && pkgOf(root) == "testing" {
			bench[id] = true
		}
		if to == trace.GoRunning {
			running[id] = ev.Time()
		}
		if from == trace.GoRunning {
			if at, ok := running[id]; ok {
				ran[id] += ev.Time().Sub(at).Seconds()
				delete(running, id)
			}
		}
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
	s.Waits = t.topf(ops)
	for id, d := range ran {
		s.RunTotal += d / ops
		if bench[id] {
			s.RunSerial += d / ops
		}
	}
	return nil
}
