package limits

import "sync"

// Cache is a small map under one mutex, as a cache shared by the workers
// is: every Get and Add takes the lock for a short critical section.
// BenchmarkConvoy's site is its Add and Get, called from the user's task.
type Cache struct {
	mu sync.Mutex
	m  map[uint64]uint64
}

// NewCache is an empty cache.
func NewCache() *Cache { return &Cache{m: make(map[uint64]uint64, 1024)} }

// Get is the value at k, with a little work under the lock.
func (c *Cache) Get(k uint64) (uint64, bool) {
	c.mu.Lock()
	v, ok := c.m[k%1024]
	v += Spin(100)
	c.mu.Unlock()
	return v, ok
}

// Add stores v at k, with a little work under the lock.
func (c *Cache) Add(k, v uint64) {
	c.mu.Lock()
	c.m[k%1024] = v + Spin(100)
	c.mu.Unlock()
}
