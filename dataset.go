// Package futures holds the data that several packages of this module share:
// the flag dataset served by flags/flagstest and cmd/flagserver.
//
// The module's workloads live in its sub-packages (arcfour, sha, primes,
// qsort, flags); see README.md.
package futures

import (
	"embed"
	"io/fs"
)

//go:embed testdata/flags
var flagsFS embed.FS

// Flags returns the flag dataset (see testdata/flags-README.md): one folder
// per country, named by its lower-case ISO 3166 code, holding cc.gif and
// metadata.json. 194 countries, AD to ZW.
func Flags() fs.FS {
	sub, err := fs.Sub(flagsFS, "testdata/flags")
	if err != nil {
		panic(err) // the embedded tree is fixed at build time
	}
	return sub
}
