package flagserver

import (
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/futuresbench/futures/flags/dataset"
)

// file is one servable file, with its header values made once.
type file struct {
	body        []byte
	contentType []string
	length      []string
}

// Stats counts the requests a server has received.
type Stats struct {
	Requests int            // every request
	ByPath   map[string]int // by URL path
	ByStatus map[int]int    // by status sent; 0 for requests never answered (hang, cancelled)
}

// Handler is the flag server's http.Handler. Make one with NewHandler.
type Handler struct {
	cfg   config
	files map[string]file // by URL path

	rngMu sync.Mutex
	rng   *rand.Rand

	statsMu  sync.Mutex
	requests int
	byPath   map[string]int
	byStatus map[int]int

	inFlight atomic.Int64

	closeOnce sync.Once
	done      chan struct{} // closed by Interrupt: every waiting handler returns
}

// NewHandler returns a flag server handler configured by opts, with every
// file loaded in memory.
func NewHandler(opts ...Option) (*Handler, error) {
	cfg := config{errorStatus: http.StatusTeapot, seed: 1, faults: map[string]Fault{}}
	for _, opt := range opts {
		if err := opt(&cfg); err != nil {
			return nil, err
		}
	}
	if cfg.fsys == nil {
		cfg.fsys = dataset.FS()
	}
	files, err := load(cfg.fsys)
	if err != nil {
		return nil, err
	}
	return &Handler{
		cfg:      cfg,
		files:    files,
		rng:      rand.New(rand.NewPCG(cfg.seed, cfg.seed^0x9e3779b97f4a7c15)),
		byPath:   map[string]int{},
		byStatus: map[int]int{},
		done:     make(chan struct{}),
	}, nil
}

// load reads cc/cc.gif and cc/metadata.json for every two-letter folder cc.
func load(fsys fs.FS) (map[string]file, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("flagserver: reading flags: %w", err)
	}
	files := map[string]file{}
	for _, e := range entries {
		cc := e.Name()
		if !e.IsDir() || len(cc) != 2 || cc != strings.ToLower(cc) {
			continue
		}
		for name, ctype := range map[string]string{cc + ".gif": "image/gif", "metadata.json": "application/json"} {
			body, err := fs.ReadFile(fsys, path.Join(cc, name))
			if errors.Is(err, fs.ErrNotExist) {
				continue
			}
			if err != nil {
				return nil, fmt.Errorf("flagserver: %w", err)
			}
			files[Prefix+"/"+cc+"/"+name] = file{body, []string{ctype}, []string{strconv.Itoa(len(body))}}
		}
	}
	if len(files) == 0 {
		return nil, errors.New("flagserver: no flags found (want folders cc/ holding cc.gif)")
	}
	return files, nil
}

// Codes returns the number of countries whose flag the handler serves.
func (h *Handler) Codes() int {
	n := 0
	for p := range h.files {
		if strings.HasSuffix(p, ".gif") {
			n++
		}
	}
	return n
}

// Stats returns a copy of the counters.
func (h *Handler) Stats() Stats {
	h.statsMu.Lock()
	defer h.statsMu.Unlock()
	s := Stats{Requests: h.requests, ByPath: make(map[string]int, len(h.byPath)), ByStatus: make(map[int]int, len(h.byStatus))}
	for k, v := range h.byPath {
		s.ByPath[k] = v
	}
	for k, v := range h.byStatus {
		s.ByStatus[k] = v
	}
	return s
}

func (h *Handler) count(path string, status int) {
	h.statsMu.Lock()
	h.requests++
	h.byPath[path]++
	h.byStatus[status]++
	h.statsMu.Unlock()
}

// Interrupt makes every handler that is waiting return at once: a request
// in its delay is answered 503 with Connection: close, a hang, a slow body
// or an endless one ends. Server.Close calls it; a program that serves a
// Handler with its own http.Server calls it before shutting that down. It
// is safe to call more than once.
func (h *Handler) Interrupt() { h.closeOnce.Do(func() { close(h.done) }) }

// closed reports whether Interrupt was called.
func (h *Handler) closed() bool {
	select {
	case <-h.done:
		return true
	default:
		return false
	}
}

// wait sleeps d, or less if the request is cancelled or the handler
// interrupted;
// it reports whether the full time passed.
func (h *Handler) wait(r *http.Request, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
	case <-h.done:
	}
	return false
}

// draw returns the delay and whether to answer with an error, from the
// seeded source.
func (h *Handler) draw() (time.Duration, bool) {
	c := &h.cfg
	if c.delayMax == 0 && c.errorRate == 0 {
		return 0, false
	}
	h.rngMu.Lock()
	defer h.rngMu.Unlock()
	d := c.delayMin
	if c.delayMax > c.delayMin {
		d += time.Duration(h.rng.Int64N(int64(c.delayMax - c.delayMin + 1)))
	}
	return d, c.errorRate > 0 && h.rng.Float64() < c.errorRate
}

// codeOf returns the country code of a path under Prefix ("" if none).
func codeOf(p string) string {
	rest, ok := strings.CutPrefix(p, Prefix+"/")
	if !ok || len(rest) < 3 || rest[2] != '/' {
		return ""
	}
	return rest[:2]
}

// InFlight returns the number of requests being handled now.
func (h *Handler) InFlight() int { return int(h.inFlight.Load()) }

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.inFlight.Add(1)
	defer h.inFlight.Add(-1)
	p := r.URL.Path
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		h.answer(w, r, http.StatusMethodNotAllowed)
		return
	}
	if cc := codeOf(p); cc != "" && r.URL.RawQuery != "redirected=1" {
		if f, ok := h.cfg.faults[cc]; ok {
			h.fault(w, r, f)
			return
		}
	}
	d := h.decide(p)
	if !h.wait(r, d.delay) {
		if h.closed() && r.Context().Err() == nil {
			// Stopped during the delay: a real answer, never an empty 200.
			d = h.unavailable()
		} else {
			h.count(p, 0)
			return
		}
	}
	h.write(w, r.Method == http.MethodHead, d)
	h.count(p, d.status)
}

// A decision is what a request gets: a delay, then a status with its text,
// or a file.
type decision struct {
	delay  time.Duration
	status int
	file   *file       // for 200: the file
	header http.Header // more headers (Connection: close)
}

// decide draws the delay and the error from the seeded source and finds
// the file at path: the error status, the file, or 404.
func (h *Handler) decide(path string) decision {
	delay, fail := h.draw()
	if fail {
		return decision{delay: delay, status: h.cfg.errorStatus}
	}
	if f, ok := h.files[path]; ok {
		return decision{delay: delay, status: http.StatusOK, file: &f}
	}
	return decision{delay: delay, status: http.StatusNotFound}
}

// unavailable is the answer to a request still in its delay when the
// handler is interrupted: 503, and the connection closed after it.
func (h *Handler) unavailable() decision {
	return decision{status: http.StatusServiceUnavailable, header: http.Header{"Connection": {"close"}}}
}

// write sends what d says (the headers only for a HEAD). It does not count.
func (h *Handler) write(w http.ResponseWriter, head bool, d decision) {
	hdr := w.Header()
	for k, v := range d.header {
		hdr[k] = v
	}
	body := []byte(nil)
	if d.file != nil {
		hdr["Content-Type"] = d.file.contentType
		hdr["Content-Length"] = d.file.length
		body = d.file.body
	} else {
		body = []byte(http.StatusText(d.status) + "\n")
		hdr.Set("Content-Type", "text/plain; charset=utf-8")
		hdr.Set("Content-Length", strconv.Itoa(len(body)))
	}
	w.WriteHeader(d.status)
	if !head {
		w.Write(body)
	}
}

// serveHeader sends the headers of the file at the request's path, or a 404
// if there is none, and counts the answer.
func (h *Handler) serveHeader(w http.ResponseWriter, r *http.Request) (file, bool) {
	f, ok := h.files[r.URL.Path]
	if !ok {
		h.answer(w, r, http.StatusNotFound)
		return f, false
	}
	h.write(w, true, decision{status: http.StatusOK, file: &f})
	h.count(r.URL.Path, http.StatusOK)
	return f, true
}

// answer sends a status with its text as a plain body, and counts it.
func (h *Handler) answer(w http.ResponseWriter, r *http.Request, status int) {
	h.write(w, r.Method == http.MethodHead, decision{status: status})
	h.count(r.URL.Path, status)
}
