// Package flagstest is the test kit of the flag server, as net/http/httptest
// is of net/http: Start runs a flags/flagserver.Server on 127.0.0.1 for the
// length of a test, with flagserver's options and faults:
//
//	srv := flagstest.Start(t, flagserver.WithDelay(50*time.Millisecond),
//		flagserver.WithFault("BR", flagserver.ResetMidBody()))
//	resp, err := http.Get(srv.Flags() + "/br/br.gif")
package flagstest

import (
	"testing"

	"github.com/futuresbench/futures/flags/flagserver"
)

// Start starts a flag server on 127.0.0.1 at a free port, fails the test on
// a bad option, and closes the server when the test ends.
func Start(t testing.TB, opts ...flagserver.Option) *flagserver.Server {
	t.Helper()
	s, err := flagserver.NewServer(opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}
