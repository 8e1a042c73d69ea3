package plural_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/futuresbench/futures/internal/plural"
)

func TestOf(t *testing.T) {
	tests := []struct {
		n    int
		want string
	}{{0, "0 cores"}, {1, "1 core"}, {2, "2 cores"}, {-1, "-1 core"}}
	for _, tt := range tests {
		assert.Equal(t, tt.want, plural.Count(tt.n, "core", "cores"))
	}
	assert.Equal(t, "places", plural.Of(3, "place", "places"))
}
