package arcfour_test

import (
	"fmt"

	"github.com/futuresbench/futures/arcfour"
)

// RC4's first published test vector (key "Key", plaintext "Plaintext"; the
// RC4 article's table of test vectors, from the 1994 posting of the
// algorithm), with one pass of the key schedule as plain RC4 has.
func ExampleNewCipher() {
	c, err := arcfour.NewCipher([]byte("Key"), 1)
	if err != nil {
		panic(err)
	}
	out := make([]byte, len("Plaintext"))
	c.XORKeyStream(out, []byte("Plaintext"))
	fmt.Printf("%X\n", out)
	// Output: BBF316E8D940AF0AD3
}
