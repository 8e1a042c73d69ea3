package primes_test

import (
	"context"
	"fmt"

	"github.com/futuresbench/futures/primes"
)

// The chapter's is_prime map: the list tested on a pool of 3 workers, the
// answers in input order, whichever number finishes first (the large primes
// take the longest). primes_test checks every answer against Miller-Rabin.
func ExampleMap() {
	isPrime, err := primes.Map(context.Background(), 3, primes.Numbers(), primes.IsPrime)
	if err != nil {
		panic(err)
	}
	for i, n := range primes.Numbers() {
		fmt.Printf("%16d %v\n", n, isPrime[i])
	}
	// Output:
	//  112272535095293 true
	//  112582705942171 true
	//  112272535095293 true
	//  115280095190773 true
	//  115797848077099 true
	// 1099726899285419 false
	//     112545606449 false
	//    4894348954034 false
	//       4236544062 false
	//   11112324353465 false
	//      12134123432 false
	//     423578924023 false
	//      12433323433 true
	//      12334452364 false
}
