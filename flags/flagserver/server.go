// Package flagserver is the flag server that cmd/flagserver runs and
// flags/flagstest starts for tests: it serves the flag dataset (package
// flags/dataset) as the book's servers do, GET or HEAD BASE/cc/cc.gif and
// BASE/cc/metadata.json for a lower-case country code cc, where BASE is
// SERVER/flags; every other path answers 404. Options add what the book's
// DELAY and ERROR servers did (a fixed or random delay before the headers; a
// share of error answers from a seeded random source) and per-code faults,
// misbehaviour on purpose for exact tests: a status, a hang, a connection
// reset mid-body, a short, slow, endless or empty body, an HTML page, a
// redirect.
//
//	srv, err := flagserver.NewServer(flagserver.WithDelay(50 * time.Millisecond))
//	if err != nil { ... }
//	defer srv.Close()
//	resp, err := http.Get(srv.URL + "/br/br.gif")
//
// It is served by net/http alone. Every handler that waits also watches its
// request's context and the server's closing, so Close never hangs.
package flagserver

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"net"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/futuresbench/futures/flags/dataset"
)

// Prefix is the path under which the flags are served: a server's base URL
// is its address followed by Prefix.
const Prefix = "/flags"

// ErrBadOption is wrapped by the error for every invalid option.
var ErrBadOption = errors.New("flagserver: invalid option")

func badOption(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrBadOption, fmt.Sprintf(format, args...))
}

type faultKind int

const (
	faultStatus faultKind = iota + 1
	faultHang
	faultReset
	faultShort
	faultSlow
	faultRedirect
	faultEndless
	faultEmpty
	faultHTML
)

// A Fault is how the server misbehaves for one country code (see WithFault).
type Fault struct {
	kind   faultKind
	status int
	d      time.Duration
}

// Status answers every request for the code with the given status.
func Status(code int) Fault { return Fault{kind: faultStatus, status: code} }

// Hang never answers: the request waits until the client gives up or the
// server closes.
func Hang() Fault { return Fault{kind: faultHang} }

// ResetMidBody sends the headers and half the body, then resets the
// connection (TCP RST).
func ResetMidBody() Fault { return Fault{kind: faultReset} }

// ShortBody declares the full Content-Length but sends half the body and
// closes the connection.
func ShortBody() Fault { return Fault{kind: faultShort} }

// SlowBody trickles the body in 10 pieces spread over d.
func SlowBody(d time.Duration) Fault { return Fault{kind: faultSlow, d: d} }

// Redirect answers 302 Found with the location of the real file.
func Redirect() Fault { return Fault{kind: faultRedirect} }

// EndlessBody answers 200 with a body that starts like a GIF and never
// ends (no Content-Length), until the client leaves or the server closes.
func EndlessBody() Fault { return Fault{kind: faultEndless} }

// EmptyBody answers 200 with an empty body.
func EmptyBody() Fault { return Fault{kind: faultEmpty} }

// HTMLPage answers 200 with an HTML page, as a captive portal or a
// misconfigured server does.
func HTMLPage() Fault { return Fault{kind: faultHTML} }

func (f Fault) String() string {
	switch f.kind {
	case faultStatus:
		return "status " + strconv.Itoa(f.status)
	case faultHang:
		return "hang"
	case faultReset:
		return "reset mid-body"
	case faultShort:
		return "short body"
	case faultSlow:
		return "slow body over " + f.d.String()
	case faultRedirect:
		return "redirect"
	case faultEndless:
		return "endless body"
	case faultEmpty:
		return "empty body"
	case faultHTML:
		return "HTML page"
	}
	return "no fault"
}

type config struct {
	delayMin, delayMax time.Duration
	errorRate          float64
	errorStatus        int
	seed               uint64
	faults             map[string]Fault
	fsys               fs.FS
}

// An Option configures a server. A bad option makes NewHandler and NewServer
// return an error wrapping ErrBadOption.
type Option func(*config) error

// WithDelay waits d before sending the headers of every answer.
func WithDelay(d time.Duration) Option {
	return WithDelayRange(d, d)
}

// WithDelayRange waits a uniformly random time between min and max before
// sending the headers of every answer (the book's DELAY server: 0.5 to 5 s).
func WithDelayRange(min, max time.Duration) Option {
	return func(c *config) error {
		if min < 0 || max < min {
			return badOption("delay range %v..%v: want 0 <= min <= max", min, max)
		}
		c.delayMin, c.delayMax = min, max
		return nil
	}
}

// WithErrorRate answers a share p of requests (0 <= p <= 1), drawn from the
// seeded random source, with the error status (418 unless WithErrorStatus).
func WithErrorRate(p float64) Option {
	return func(c *config) error {
		if !(p >= 0 && p <= 1) { // also rejects NaN
			return badOption("error rate %v outside 0..1", p)
		}
		c.errorRate = p
		return nil
	}
}

// WithErrorStatus sets the status of WithErrorRate's answers (400..599).
func WithErrorStatus(code int) Option {
	return func(c *config) error {
		if code < 400 || code > 599 {
			return badOption("error status %d outside 400..599", code)
		}
		c.errorStatus = code
		return nil
	}
}

// WithSeed seeds the random source of delays and errors (default 1), so
// that a test can be exact.
func WithSeed(seed uint64) Option {
	return func(c *config) error { c.seed = seed; return nil }
}

// WithFault makes every request for the country code cc (two letters, any
// case) misbehave as f. It takes precedence over delays and the error rate.
func WithFault(cc string, f Fault) Option {
	return func(c *config) error {
		if len(cc) != 2 || !isLetter(cc[0]) || !isLetter(cc[1]) {
			return badOption("country code %q: want two letters", cc)
		}
		switch f.kind {
		case faultStatus:
			if f.status < 200 || f.status > 599 {
				return badOption("fault status %d outside 200..599", f.status)
			}
		case faultSlow:
			if f.d < 0 {
				return badOption("slow body over %v: negative", f.d)
			}
		case 0:
			return badOption("zero Fault for %q", cc)
		}
		c.faults[strings.ToLower(cc)] = f
		return nil
	}
}

// WithFS serves the flags from fsys (one folder per lower-case code, holding
// cc.gif and metadata.json) instead of the embedded dataset.
func WithFS(fsys fs.FS) Option {
	return func(c *config) error {
		if fsys == nil {
			return badOption("nil file system")
		}
		c.fsys = fsys
		return nil
	}
}

func isLetter(b byte) bool { return 'a' <= b|0x20 && b|0x20 <= 'z' }

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

func (h *Handler) fault(w http.ResponseWriter, r *http.Request, f Fault) {
	p := r.URL.Path
	switch f.kind {
	case faultStatus:
		h.answer(w, r, f.status)
		return
	case faultHang:
		h.wait(r, 1<<62) // until the client or the server gives up
		h.count(p, 0)
		return
	case faultRedirect:
		w.Header().Set("Location", p+"?redirected=1")
		h.answer(w, r, http.StatusFound)
		return
	case faultEmpty, faultHTML:
		body := ""
		if f.kind == faultHTML {
			body = "<!DOCTYPE html>\n<html><body><h1>Welcome to nginx!</h1></body></html>\n"
			w.Header().Set("Content-Type", "text/html")
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(http.StatusOK)
		io.WriteString(w, body)
		h.count(p, http.StatusOK)
		return
	case faultEndless:
		w.Header().Set("Content-Type", "image/gif")
		w.WriteHeader(http.StatusOK)
		h.count(p, http.StatusOK)
		if _, err := io.WriteString(w, "GIF89a"); err != nil {
			return
		}
		zeros := make([]byte, 32<<10)
		for {
			if _, err := w.Write(zeros); err != nil {
				return
			}
			select {
			case <-r.Context().Done():
				return
			case <-h.done:
				return
			default:
			}
		}
	}
	file, ok := h.serveHeader(w, r)
	if !ok || r.Method == http.MethodHead {
		return
	}
	half := file.body[:len(file.body)/2]
	rc := http.NewResponseController(w)
	switch f.kind {
	case faultShort:
		// Returning with less than Content-Length written makes net/http
		// close the connection: the client sees an unexpected EOF.
		w.Write(half)
	case faultReset:
		w.Write(half)
		rc.Flush()
		conn, _, err := rc.Hijack()
		if err != nil {
			return
		}
		if l, ok := conn.(interface{ SetLinger(int) error }); ok {
			l.SetLinger(0) // close with RST, not FIN
		}
		conn.Close()
	case faultSlow:
		const pieces = 10
		step := (len(file.body) + pieces - 1) / pieces
		for body := file.body; len(body) > 0; {
			n := min(step, len(body))
			if _, err := w.Write(body[:n]); err != nil {
				return
			}
			rc.Flush()
			body = body[n:]
			if len(body) > 0 && !h.wait(r, f.d/pieces) {
				return
			}
		}
	}
}

// Timeouts of a Server's connections (variables for the tests).
var (
	// readHeaderTimeout bounds the reading of a request's header: a
	// connection that never sends one is closed after it.
	readHeaderTimeout = 10 * time.Second
	idleTimeout       = 2 * time.Minute // between two requests
	// writeTimeout bounds the writing of one answer, after the delay: a
	// client that does not read cannot hold a connection (or a shutdown)
	// longer.
	writeTimeout = 10 * time.Second
)

// Server is a flag server, like httptest.Server: a Handler served by
// net/http on a listener.
type Server struct {
	// Handler answers the requests; its Stats and InFlight tell what it
	// has served.
	Handler *Handler
	// URL is the base URL of the flags: http://ADDRESS/flags.
	URL string

	http  *http.Server
	errc  chan error
	conns atomic.Int64 // open connections, for the tests
}

// NewServer starts a flag server on 127.0.0.1 at a free port. The caller
// should call Close when done.
func NewServer(opts ...Option) (*Server, error) {
	h, err := NewHandler(opts...)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("flagserver: %w", err)
	}
	return Serve(ln, h), nil
}

// Serve starts serving h on ln and returns at once. A connection that takes
// over ten seconds to send a request's header is closed, and so is one idle
// for two minutes or one whose client stops reading an answer for ten
// seconds.
func Serve(ln net.Listener, h *Handler) *Server {
	s := &Server{Handler: h, URL: "http://" + ln.Addr().String() + Prefix, errc: make(chan error, 1)}
	s.http = &http.Server{
		Handler:           h,
		ReadHeaderTimeout: readHeaderTimeout,
		IdleTimeout:       idleTimeout,
		// Writing may start only after the delay: a client that does not
		// read holds a connection no longer than the delay and
		// writeTimeout.
		WriteTimeout: h.cfg.delayMax + writeTimeout,
		ConnState: func(_ net.Conn, st http.ConnState) {
			switch st {
			case http.StateNew:
				s.conns.Add(1)
			case http.StateClosed, http.StateHijacked:
				s.conns.Add(-1)
			}
		},
	}
	go func() {
		if err := s.http.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			s.errc <- err
		}
		close(s.errc)
	}()
	return s
}

// Err returns a channel that receives the error that stopped the server
// from accepting connections, if one does (Shutdown and Close send none),
// and is closed when the server stops accepting.
func (s *Server) Err() <-chan error { return s.errc }

// Shutdown stops the server gracefully, as http.Server.Shutdown does: it
// stops accepting, closes idle connections, and waits for the requests in
// flight to end or ctx to be done (then it returns ctx's error, and the
// connections still open stay so: Close cuts them off). Requests in a
// delay are answered when it ends.
func (s *Server) Shutdown(ctx context.Context) error { return s.http.Shutdown(ctx) }

// Close stops the server at once: a request in its delay is answered 503
// with Connection: close, every other handler that waits (a hang, a slow or
// endless body) returns, the requests in flight get a second to end, and
// every connection still open is then cut off. It is safe to call more
// than once.
func (s *Server) Close() {
	s.Handler.Interrupt()
	s.http.SetKeepAlivesEnabled(false)
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if s.http.Shutdown(ctx) != nil {
		s.http.Close()
	}
}
