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
//	resp, err := http.Get(srv.Flags() + "/br/br.gif")
//
// It is served by net/http alone. Every handler that waits also watches its
// request's context and the server's closing, so Close never hangs.
package flagserver

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync/atomic"
	"time"
)

// Prefix is the path under which the flags are served: a server's base URL
// is its address followed by Prefix.
const Prefix = "/flags"

// ErrBadOption is wrapped by the error for every invalid option.
var ErrBadOption = errors.New("flagserver: invalid option")

func badOption(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrBadOption, fmt.Sprintf(format, args...))
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
	// URL is the server's root, http://ADDRESS, as httptest.Server's is;
	// the flags are under Flags().
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
	return Start(ln, h), nil
}

// Flags is the base URL of the flags: URL followed by Prefix.
func (s *Server) Flags() string { return s.URL + Prefix }

// Start starts serving h on ln in a goroutine and returns at once, as
// httptest.Server.Start does; the caller should call Close when done. A connection that takes
// over ten seconds to send a request's header is closed, and so is one idle
// for two minutes or one whose client stops reading an answer for ten
// seconds.
func Start(ln net.Listener, h *Handler) *Server {
	s := &Server{Handler: h, URL: "http://" + ln.Addr().String(), errc: make(chan error, 1)}
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
