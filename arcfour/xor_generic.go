//go:build !amd64 || purego

package arcfour

import "unsafe"

// xorKeyStream XORs n bytes of src with the key stream of c into dst, in Go.
func xorKeyStream(c *Cipher, dst, src *byte, n int) {
	xorKeyStreamGeneric(c, unsafe.Slice(dst, n), unsafe.Slice(src, n))
}
