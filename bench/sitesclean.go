package bench

import (
	"cmp"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strings"

	"github.com/futuresbench/futures/sweep"
)

// maxSitesKept is the most entries a list of a sites line keeps: as many
// as sweep writes.
const maxSitesKept = 12

// noMeasurement ends the words on a value cleanSites leaves out.
const noMeasurement = ", not a measurement (a finite number from 0 to 1e+12)"

// noCount ends the words on a count or a line cleanSites leaves out.
const noCount = ", not a count (a whole number from 0)"

// cleanSites leaves out of st what is no measurement, in every field of it,
// those package sweep adds later included: a number that is not finite,
// is negative or is past maxSiteValue (set to 0), a negative count or line
// (set to 0), an entry of a list whose value is one of those (dropped),
// and of a list longer than sweep writes, all but its maxSitesKept largest
// entries. It returns what it left out, in words, each field named as the
// line's JSON names it ("cpu[0] x: value -8.64e+06, not a measurement
// ...", "samples -5, not a count ...", "idle.total 1e+300, ...").
func cleanSites(st *sweep.Sites) []string {
	var out []string
	cleanValue(reflect.ValueOf(st).Elem(), "", &out)
	return out
}

func cleanValue(v reflect.Value, at string, out *[]string) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			cleanValue(v.Elem(), at, out)
		}
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "" || name == "-" {
				name = f.Name
			}
			if at != "" {
				name = at + "." + name
			}
			cleanValue(v.Field(i), name, out)
		}
	case reflect.Float32, reflect.Float64:
		if x := v.Float(); math.IsNaN(x) || x < 0 || x > maxSiteValue {
			*out = append(*out, fmt.Sprintf("%s %s%s", at, fmtNumber(x), noMeasurement))
			v.SetFloat(0)
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if x := v.Int(); x < 0 {
			*out = append(*out, fmt.Sprintf("%s %d%s", at, x, noCount))
			v.SetInt(0)
		}
	case reflect.Slice:
		cleanList(v, at, out)
	}
}

// cleanList drops the entries of a list whose value is no measurement,
// cleans the rest, and keeps its maxSitesKept largest (by value, where its
// entries have one), in an array of its own.
func cleanList(v reflect.Value, at string, out *[]string) {
	if !dirty(v) {
		return // as sweep wrote it: nothing to copy
	}
	elem := v.Type().Elem()
	valueAt, funcAt := -1, -1
	if elem.Kind() == reflect.Struct {
		if f, ok := elem.FieldByName("Value"); ok && f.Type.Kind() == reflect.Float64 {
			valueAt = f.Index[0]
		}
		if f, ok := elem.FieldByName("Func"); ok && f.Type.Kind() == reflect.String {
			funcAt = f.Index[0]
		}
	}
	kept := reflect.MakeSlice(v.Type(), 0, min(v.Len(), maxSitesKept))
	var all []reflect.Value
	for i := range v.Len() {
		e := v.Index(i)
		if valueAt >= 0 {
			if x := e.Field(valueAt).Float(); math.IsNaN(x) || x < 0 || x > maxSiteValue {
				what := ""
				if funcAt >= 0 {
					what = " " + Printable(shortText(e.Field(funcAt).String(), 80))
				}
				*out = append(*out, fmt.Sprintf("%s[%d]%s: value %s%s", at, i, what, fmtNumber(x), noMeasurement))
				continue
			}
		}
		if dirty(e) { // its path is written only where it is needed
			cleanValue(e, fmt.Sprintf("%s[%d]", at, i), out)
		}
		all = append(all, e)
	}
	if len(all) > maxSitesKept {
		// sweep writes 12 a list: the rest of a longer one is not kept
		// (a line of 64 KiB holds thousands of small entries).
		if valueAt >= 0 {
			slices.SortStableFunc(all, func(a, b reflect.Value) int {
				return cmp.Compare(b.Field(valueAt).Float(), a.Field(valueAt).Float())
			})
		}
		largest := " largest"
		if valueAt < 0 {
			largest = " first"
		}
		*out = append(*out, fmt.Sprintf("%s: %d entries past its %d%s, more than sweep writes", at, len(all)-maxSitesKept, maxSitesKept, largest))
		all = all[:maxSitesKept]
	}
	for _, e := range all {
		kept = reflect.Append(kept, e)
	}
	if v.Len() > 0 {
		v.Set(kept) // not the long backing array
	}
}

// dirty reports whether cleanValue would change v or say anything of it.
func dirty(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Pointer:
		return !v.IsNil() && dirty(v.Elem())
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() && dirty(v.Field(i)) {
				return true
			}
		}
	case reflect.Float32, reflect.Float64:
		x := v.Float()
		return math.IsNaN(x) || x < 0 || x > maxSiteValue
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int() < 0
	case reflect.Slice:
		if v.Len() > maxSitesKept {
			return true
		}
		for i := range v.Len() {
			if dirty(v.Index(i)) {
				return true
			}
		}
	}
	return false
}
