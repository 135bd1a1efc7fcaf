package groups

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/qunkit/qun"
)

// fuzzJSON checks a strict decoder: a refusal matches qun.ErrInvalid (or
// is malformed JSON), and what is accepted writes and reads back the
// same.
func fuzzJSON[T any](f *testing.F, seeds ...string) {
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var v T
		if err := json.Unmarshal(data, &v); err != nil {
			var syntax *json.SyntaxError
			if !errors.Is(err, qun.ErrInvalid) && !errors.As(err, &syntax) {
				t.Fatalf("Unmarshal(%s) = %v, which does not match qun.ErrInvalid", data, err)
			}
			return
		}
		out, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		var back T
		if err := json.Unmarshal(out, &back); err != nil {
			t.Fatalf("Unmarshal(%s) of our own output: %v", out, err)
		}
		if diff := cmp.Diff(v, back); diff != "" {
			t.Fatalf("round trip (-first +second):\n%s", diff)
		}
	})
}

func FuzzRouterJSON(f *testing.F) {
	fuzzJSON[Router](f,
		`{"pools":[{"segment":"italian_wine_fans","capacity":500,"prefix":"italian-wine"},{"segment":"wine_lovers","capacity":500,"prefix":"wine","max_groups":10}],"balance":true}`,
		`{"pools":[{"segment":"a","capacity":0,"prefix":"a"}]}`,
		`{"pools":[{"segment":"a","capacity":1,"prefix":"a","Capacity":2}]}`,
	)
}

func FuzzAdmissionJSON(f *testing.F) {
	fuzzJSON[Admission](f, `{"threshold":"italian_threshold","paid":true,"approved":true}`, `{}`, `{"paid":"yes"}`)
}
