package bench

// ShortFunc is how a site's function is written.
var ShortFunc = shortFunc
