package arcfour

// XORKeyStreamGeneric exposes the Go generator to the tests, so that it is
// held to crypto/rc4 on amd64 too, where the assembly is what runs.
func (c *Cipher) XORKeyStreamGeneric(dst, src []byte) { xorKeyStreamGeneric(c, dst[:len(src)], src) }
