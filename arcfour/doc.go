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
// On amd64 the generator is in assembly (xor_amd64.s), its loop aligned
// with PCALIGN so that its speed does not depend on where the linker places
// it; elsewhere, and with -tags purego, a loop in Go. Measured on an AMD EPYC
// (Zen 5) with scripts/arcfour-layout.sh (make bench-arcfour: 8 interleaved
// rounds, benchstat), the assembly runs 1.8-1.9x crypto/rc4 (about 1 GB/s)
// from 1 KiB to 1 MiB, in place and out of place, in two builds whose code
// layout differs; the Go loop's speed moved between 0.97x and 1.35x of
// crypto/rc4 with the layout alone.
//
// Benchmarks:
//
//	go test -run '^$' -bench XORKeyStream ./arcfour   # ours against crypto/rc4
//	go test -run '^$' -bench Jobs ./arcfour           # the chapter's jobs over the worker sweep
//	make bench-arcfour                                # ours against crypto/rc4 in two code layouts
package arcfour
