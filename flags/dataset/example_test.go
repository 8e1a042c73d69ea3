package dataset_test

import (
	"fmt"
	"io/fs"

	"github.com/futuresbench/futures/flags/dataset"
)

func ExampleFS() {
	meta, err := fs.ReadFile(dataset.FS(), "br/metadata.json")
	fmt.Println(string(meta), err)
	// Output: {"tld_cc": ".br", "iso_cc": "BR", "country": "Brazil", "gec_cc": "BR"} <nil>
}
