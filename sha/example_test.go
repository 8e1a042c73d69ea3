package sha_test

import (
	"fmt"
	"strings"

	"github.com/futuresbench/futures/sha"
)

// The digest of "abc", FIPS 180-2's first SHA-256 example.
func ExampleDigest() {
	d, err := sha.Digest(strings.NewReader("abc"))
	fmt.Println(d, err)
	// Output: ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad <nil>
}
