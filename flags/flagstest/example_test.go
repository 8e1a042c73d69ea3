package flagstest_test

import (
	"fmt"
	"io"
	"net/http"

	"github.com/futuresbench/futures/flags/flagstest"
)

// In a test, flagstest.Start(t, ...) starts the server and closes it when
// the test ends; NewServer is the same for code without a testing.T.
func ExampleNewServer() {
	srv, err := flagstest.NewServer(flagstest.WithFault("BR", flagstest.EmptyBody()))
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	for _, cc := range []string{"ar", "br"} {
		resp, err := http.Get(srv.URL + "/" + cc + "/" + cc + ".gif")
		if err != nil {
			panic(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		fmt.Printf("%s %d %q\n", cc, resp.StatusCode, b[:min(len(b), 6)])
	}
	// Output:
	// ar 200 "GIF89a"
	// br 200 ""
}
