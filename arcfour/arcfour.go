package arcfour

import (
	"strconv"
	"unsafe"
)

// A Cipher is an instance of RC4 using a particular key and number of
// key-schedule passes. It implements crypto/cipher.Stream.
type Cipher struct {
	s    [256]uint8
	i, j uint8
}

// KeySizeError is the error for a key whose length is outside 1..256 bytes.
type KeySizeError int

func (k KeySizeError) Error() string {
	return "arcfour: invalid key size " + strconv.Itoa(int(k)) + " (want 1..256 bytes)"
}

// LoopsError is the error for a number of key-schedule passes below 1.
type LoopsError int

func (l LoopsError) Error() string {
	return "arcfour: invalid number of key-schedule loops " + strconv.Itoa(int(l)) + " (want at least 1)"
}

// NewCipher creates and returns a new Cipher. The key is repeated to fill 256
// bytes, and the key schedule runs loops times over it, its index j carried
// from one pass to the next; loops = 1 is plain RC4, CipherSaber-2 uses 20.
func NewCipher(key []byte, loops int) (*Cipher, error) {
	n := len(key)
	if n < 1 || n > 256 {
		return nil, KeySizeError(n)
	}
	if loops < 1 {
		return nil, LoopsError(loops)
	}
	var kbox [256]uint8
	for i := range kbox {
		kbox[i] = key[i%n]
	}
	c := new(Cipher)
	for i := range c.s {
		c.s[i] = uint8(i)
	}
	var j uint8
	for range loops {
		for i := range 256 {
			j += c.s[i] + kbox[i]
			c.s[i], c.s[j] = c.s[j], c.s[i]
		}
	}
	return c, nil
}

// XORKeyStream sets dst to the result of XORing src with the key stream.
// Calls may split the input at any byte boundary. dst and src must overlap
// entirely or not at all, and dst must be at least as long as src (breaking
// either rule is a programming error and panics, as in crypto/rc4).
func (c *Cipher) XORKeyStream(dst, src []byte) {
	if len(src) == 0 {
		return
	}
	if len(dst) < len(src) {
		panic("arcfour: output smaller than input")
	}
	dst = dst[:len(src)]
	if inexactOverlap(dst, src) {
		panic("arcfour: invalid buffer overlap")
	}
	xorKeyStream(c, &dst[0], &src[0], len(src))
}

// xorKeyStreamGeneric is the generator in Go: what other architectures run
// (and amd64 with -tags purego), and what the tests hold the assembly to.
// len(dst) must equal len(src).
func xorKeyStreamGeneric(c *Cipher, dst, src []byte) {
	dst = dst[:len(src)] // lets the compiler drop the bounds check on dst[k]
	// uint8 indices into a [256]uint8 need no bounds checks and no masking:
	// the wrap-around mod 256 is the arithmetic of the type.
	//
	// The loop is RC4's generator with one reordering, as in OpenSSL's
	// assembly: the next S[i+1] is loaded before this step's swap stores, so
	// that the chain carrying j from step to step need not wait for them.
	// The swap can change S[i+1] only when j == i+1, and then S[i+1] is x,
	// which the fix-up takes. How fast this runs depends on where the linker
	// places the loop and on whether the compiler makes the fix-up a branch
	// or a conditional move: on amd64 the assembly is used instead.
	s := &c.s
	i, j := c.i, c.j
	x := s[i+1]
	for k, v := range src {
		i++
		j += x
		y := s[j]
		next := s[i+1]
		s[i], s[j] = y, x
		if j == i+1 {
			next = x
		}
		dst[k] = v ^ s[x+y]
		x = next
	}
	c.i, c.j = i, j
}

// inexactOverlap reports whether x and y share memory at different offsets
// (the rule of crypto/cipher.Stream; the standard library's check is internal).
func inexactOverlap(x, y []byte) bool {
	if len(x) == 0 || len(y) == 0 || &x[0] == &y[0] {
		return false
	}
	xs, ys := uintptr(unsafe.Pointer(&x[0])), uintptr(unsafe.Pointer(&y[0]))
	return xs <= ys+uintptr(len(y)-1) && ys <= xs+uintptr(len(x)-1)
}
