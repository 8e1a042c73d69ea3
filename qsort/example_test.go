package qsort_test

import (
	"fmt"

	"github.com/futuresbench/futures/qsort"
)

func ExampleSort() {
	a := []string{"pear", "apple", "fig", "apple", "date"}
	qsort.Sort(a)
	fmt.Println(a)
	// Output: [apple apple date fig pear]
}
