// Package sweep runs the zero-value sweeps of qun's packages: tests that
// call every exported entry point with the zero value of its receiver (a
// type that should have been made with its constructor or Compile), nil
// and empty arguments, extreme counts and times, garbage JSON and names it
// does not know. None may panic or hang; each must return what its doc
// comment promises. It is for the module's own tests.
package sweep

import (
	"encoding/json"
	"errors"
	"fmt"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/qunkit/qun"
)

// Limit is how long one case may run before it counts as a hang: far
// beyond what any case takes, even under the race detector on a loaded
// machine, and far short of go test's own timeout.
const Limit = 30 * time.Second

// A Case calls an entry point with one awkward input and checks the
// documented result.
type Case struct {
	// Name names the subtest.
	Name string
	// Run calls the entry point and checks what it returns.
	Run func(t *testing.T)
}

// Run runs each case as a subtest, in a goroutine of its own, and fails
// it if it panics or is still running after Limit.
func Run(t *testing.T, cases []Case) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			done := make(chan string, 1)
			go func() {
				defer func() {
					if p := recover(); p != nil {
						done <- fmt.Sprintf("%v\n%s", p, debug.Stack())
						return
					}
					done <- ""
				}()
				c.Run(t)
			}()
			select {
			case msg := <-done:
				if msg != "" {
					t.Fatalf("panicked: %s", msg)
				}
			case <-time.After(Limit):
				t.Fatalf("still running after %v: it hangs", Limit)
			}
		})
	}
}

// WantInvalid fails t unless err refuses the input as invalid.
func WantInvalid(t *testing.T, err error) {
	t.Helper()
	if !errors.Is(err, qun.ErrInvalid) {
		t.Errorf("error %v, want one matching qun.ErrInvalid", err)
	}
}

// Instants at the edges of what qun accepts, and an ordinary one.
var (
	// YearOne is early on the second day of year 1, so that a day
	// before it is still a date.
	YearOne = time.Date(1, 1, 2, 0, 0, 0, 0, time.UTC)
	// Year9999 is the last instant of year 9999.
	Year9999 = time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC)
	// Now is an ordinary instant.
	Now = time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
)

// GarbageJSON is text that no configuration or state reads: empty, the
// wrong kind of value, an unknown field, a number beyond float64, cut
// short, and nested far deeper than any real document.
var GarbageJSON = []string{"", "[]", `"x"`, "1e999", `{"nowhere":1}`, "{", strings.Repeat("[", 100000), `{"a":` + strings.Repeat(`{"a":`, 100000)}

// JSON checks that every decoder refuses GarbageJSON with an error
// matching qun.ErrInvalid and reads null and {} without any other error,
// and that every zero value's Validate returns nil or such an error.
func JSON(t *testing.T, decoders []json.Unmarshaler, validators []interface{ Validate() error }) {
	t.Helper()
	Run(t, []Case{
		{Name: "UnmarshalJSON/garbage", Run: func(t *testing.T) {
			for _, d := range decoders {
				for _, in := range GarbageJSON {
					if err := d.UnmarshalJSON([]byte(in)); !errors.Is(err, qun.ErrInvalid) {
						t.Errorf("%T.UnmarshalJSON(%.20q) = %v, want an error matching qun.ErrInvalid", d, in, err)
					}
				}
				for _, in := range []string{"null", "{}"} {
					if err := d.UnmarshalJSON([]byte(in)); err != nil && !errors.Is(err, qun.ErrInvalid) {
						t.Errorf("%T.UnmarshalJSON(%s) = %v", d, in, err)
					}
				}
			}
		}},
		{Name: "Validate/zero values", Run: func(t *testing.T) {
			for _, v := range validators {
				if err := v.Validate(); err != nil && !errors.Is(err, qun.ErrInvalid) {
					t.Errorf("%T{}.Validate() = %v", v, err)
				}
			}
		}},
	})
}
