// Package arcfour implements RC4 ("arcfour") with a key schedule that can be
// run more than once, as CipherSaber-2 recommends, and the CipherSaber file
// format on top of it.
//
// RC4 is cryptographically broken (biased keystream, related-key attacks; see
// RFC 7465, which prohibits it in TLS) and must not be used to protect
// anything. This package exists as a CPU-bound workload for measuring how
// work scales with workers, as in the chapter on concurrent.futures of
// Fluent Python, and to read and write CipherSaber files. With loops = 1 it
// is plain RC4, as specified in the IETF draft "A Stream Cipher Encryption
// Algorithm Arcfour" (draft-kaukonen-cipher-arcfour-03), and produces the
// same keystream as crypto/rc4.
//
// Benchmarks:
//
//	go test -run '^$' -bench XORKeyStream ./arcfour   # ours against crypto/rc4
//	go test -run '^$' -bench Jobs ./arcfour           # the chapter's jobs, workers=1..N
package arcfour
