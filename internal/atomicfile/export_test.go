package atomicfile

// SetPortableOnly makes Write and WriteNoSync use the portable way only
// (a named temporary file), or not, for tests of both ways.
func SetPortableOnly(b bool) { portableOnly = b }
