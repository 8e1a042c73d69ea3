// Package flagstest is the test kit of the flag server, as net/http/httptest
// is of net/http: Start runs a flags/flagserver.Server on 127.0.0.1 for the
// length of a test, and the options and faults of flagserver are here under
// the same names, so that a test needs one import:
//
//	srv := flagstest.Start(t, flagstest.WithDelay(50*time.Millisecond),
//		flagstest.WithFault("BR", flagstest.ResetMidBody()))
//	resp, err := http.Get(srv.URL + "/br/br.gif")
package flagstest

import (
	"io/fs"
	"testing"
	"time"

	"github.com/futuresbench/futures/flags/flagserver"
)

// The server's types, for the tests that name them.
type (
	Server  = flagserver.Server
	Handler = flagserver.Handler
	Option  = flagserver.Option
	Fault   = flagserver.Fault
	Stats   = flagserver.Stats
)

// Prefix is the path under which the flags are served.
const Prefix = flagserver.Prefix

// ErrBadOption is wrapped by the error for every invalid option.
var ErrBadOption = flagserver.ErrBadOption

// Start starts a flag server on 127.0.0.1 at a free port, fails the test on
// a bad option, and closes the server when the test ends.
func Start(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s, err := flagserver.NewServer(opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// NewServer is flagserver.NewServer: the caller closes the server.
func NewServer(opts ...Option) (*Server, error) { return flagserver.NewServer(opts...) }

// WithDelay is flagserver.WithDelay: d before every answer's headers.
func WithDelay(d time.Duration) Option { return flagserver.WithDelay(d) }

// WithDelayRange is flagserver.WithDelayRange: a delay drawn in [min, max].
func WithDelayRange(min, max time.Duration) Option { return flagserver.WithDelayRange(min, max) }

// WithErrorRate is flagserver.WithErrorRate: a share p of error answers.
func WithErrorRate(p float64) Option { return flagserver.WithErrorRate(p) }

// WithErrorStatus is flagserver.WithErrorStatus: the status of error answers.
func WithErrorStatus(code int) Option { return flagserver.WithErrorStatus(code) }

// WithSeed is flagserver.WithSeed: the seed of delays and errors.
func WithSeed(seed uint64) Option { return flagserver.WithSeed(seed) }

// WithFault is flagserver.WithFault: f for every request for code cc.
func WithFault(cc string, f Fault) Option { return flagserver.WithFault(cc, f) }

// WithFS is flagserver.WithFS: serve fsys instead of the dataset.
func WithFS(fsys fs.FS) Option { return flagserver.WithFS(fsys) }

// Status is flagserver.Status: answer code.
func Status(code int) Fault { return flagserver.Status(code) }

// Hang is flagserver.Hang: never answer.
func Hang() Fault { return flagserver.Hang() }

// ResetMidBody is flagserver.ResetMidBody: half the body, then a TCP RST.
func ResetMidBody() Fault { return flagserver.ResetMidBody() }

// ShortBody is flagserver.ShortBody: half the body, then close.
func ShortBody() Fault { return flagserver.ShortBody() }

// SlowBody is flagserver.SlowBody: the body in 10 pieces over d.
func SlowBody(d time.Duration) Fault { return flagserver.SlowBody(d) }

// Redirect is flagserver.Redirect: 302 to the real file.
func Redirect() Fault { return flagserver.Redirect() }

// EndlessBody is flagserver.EndlessBody: a GIF that never ends.
func EndlessBody() Fault { return flagserver.EndlessBody() }

// EmptyBody is flagserver.EmptyBody: 200 with nothing.
func EmptyBody() Fault { return flagserver.EmptyBody() }

// HTMLPage is flagserver.HTMLPage: 200 with an HTML page.
func HTMLPage() Fault { return flagserver.HTMLPage() }
