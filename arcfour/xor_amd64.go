//go:build !purego

package arcfour

// xorKeyStream XORs n bytes of src with the key stream of c into dst, in
// assembly (xor_amd64.s): the generator's loop aligned to 64 bytes, so that
// its speed does not depend on where the linker puts it.
//
//go:noescape
func xorKeyStream(c *Cipher, dst, src *byte, n int)
