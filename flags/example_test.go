package flags_test

import (
	"context"
	"fmt"
	"os"

	"github.com/futuresbench/futures/flags"
	"github.com/futuresbench/futures/flags/flagserver"
)

// Three flags downloaded by a pool of two, reported in input order, as
// executor.map gives them; ZZ is no country.
func ExampleDownloader_Run() {
	srv, err := flagserver.NewServer()
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	dest, err := os.MkdirTemp("", "flags")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dest)
	d := &flags.Downloader{BaseURL: srv.Flags(), Dest: dest}
	counts, err := d.Run(context.Background(), flags.Pool, 2, []string{"BR", "ZZ", "AR"}, func(r flags.Result) {
		fmt.Println(r.CC, r.Status)
	})
	fmt.Printf("%+v %v\n", counts, err)
	// Output:
	// BR OK
	// ZZ not found
	// AR OK
	// {OK:2 NotFound:1 Error:0 Interrupted:0} <nil>
}
