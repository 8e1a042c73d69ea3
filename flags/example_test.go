package flags_test

import (
	"fmt"

	"github.com/futuresbench/futures/flags"
)

// A letter stands for the 26 codes that begin with it, as in flags2: B is
// BA..BZ; -l 3 keeps the first three.
func ExampleExpandCodes() {
	codes, err := flags.ExpandCodes([]string{"B", "ar"}, false, false, 3)
	fmt.Println(codes, err)
	// Output: [AR BA BB] <nil>
}
