// Package dataset is the flag dataset that flagstest, cmd/flagserver and
// the tests serve (see README.md beside this file): one folder per country,
// named by its lower-case ISO 3166 code, holding cc.gif and metadata.json.
// 194 countries, AD to ZW.
//
// It is a package of its own so that only what serves the flags links its
// 2.4 MB of images: the downloader (package flags, cmd/getflags) does not.
package dataset

import (
	"embed"
	"io/fs"
)

//go:embed flags
var flagsFS embed.FS

// FS returns the dataset: cc/cc.gif and cc/metadata.json for each code cc.
func FS() fs.FS {
	sub, err := fs.Sub(flagsFS, "flags")
	if err != nil {
		panic(err) // the embedded tree is fixed at build time
	}
	return sub
}
