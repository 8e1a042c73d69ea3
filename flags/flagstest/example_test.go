package flagstest_test

import (
	"io"
	"net/http"
	"testing"

	"github.com/futuresbench/futures/flags/flagserver"
	"github.com/futuresbench/futures/flags/flagstest"
)

// In a test, Start starts the server with flagserver's options and closes
// it when the test ends: here, Brazil's flag answers 200 with no body.
func ExampleStart() {
	TestEmptyFlag := func(t *testing.T) {
		srv := flagstest.Start(t, flagserver.WithFault("BR", flagserver.EmptyBody()))
		resp, err := http.Get(srv.Flags() + "/br/br.gif")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if b, _ := io.ReadAll(resp.Body); resp.StatusCode != 200 || len(b) != 0 {
			t.Errorf("got %d with %d bytes, want 200 with none", resp.StatusCode, len(b))
		}
	}
	_ = TestEmptyFlag
}

// TestStart runs the example's test, so that it is not only compiled.
func TestStart(t *testing.T) {
	srv := flagstest.Start(t, flagserver.WithFault("BR", flagserver.EmptyBody()))
	resp, err := http.Get(srv.Flags() + "/br/br.gif")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if b, _ := io.ReadAll(resp.Body); resp.StatusCode != 200 || len(b) != 0 {
		t.Errorf("got %d with %d bytes, want 200 with none", resp.StatusCode, len(b))
	}
	if _, err := flagserver.NewServer(flagserver.WithErrorRate(2)); err == nil {
		t.Error("a bad option is an error")
	}
}
