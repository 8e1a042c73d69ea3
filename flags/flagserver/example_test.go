package flagserver_test

import (
	"fmt"
	"io"
	"net/http"

	"github.com/futuresbench/futures/flags/flagserver"
)

// A server on a free port of 127.0.0.1, with the book's ERROR server's
// misbehaviour for one code.
func ExampleNewServer() {
	srv, err := flagserver.NewServer(flagserver.WithFault("ZW", flagserver.Status(http.StatusTeapot)))
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	for _, cc := range []string{"br", "zw", "xx"} {
		resp, err := http.Get(srv.Flags() + "/" + cc + "/metadata.json")
		if err != nil {
			panic(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		fmt.Println(cc, resp.Status)
	}
	// Output:
	// br 200 OK
	// zw 418 I'm a teapot
	// xx 404 Not Found
}
