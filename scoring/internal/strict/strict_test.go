package strict_test

import (
	"errors"
	"testing"

	"github.com/qunkit/qun"
	"github.com/qunkit/qun/scoring/internal/strict"
)

type config struct {
	Name  string `json:"name"`
	Count int    `json:"count"`
	Inner struct {
		Weight float64 `json:"weight"`
	} `json:"inner"`
}

func TestDecode(t *testing.T) {
	for _, tc := range []struct {
		in     string
		field  string
		offset int // for syntax errors; -1 for validation errors
	}{
		{`{"name":"x","count":2,"inner":{"weight":1.5}}`, "", -2},
		{`{"name":"x","extra":1}`, "extra", -1},
		{`{"inner":{"weight":1,"heavy":true}}`, "heavy", -1},
		{`{"count":"two"}`, "count", -1},
		{`{"inner":{"weight":"x"}}`, "inner.weight", -1},
		{`{"name":"x"} {"name":"y"}`, "", 13},
		{`{"name":}`, "", 8},
		{`{"name":"x"`, "", 11},
		{``, "", 0},
	} {
		var c config
		err := strict.Decode([]byte(tc.in), &c)
		if tc.offset == -2 {
			if err != nil || c.Name != "x" || c.Count != 2 || c.Inner.Weight != 1.5 {
				t.Errorf("Decode(%s) = %+v, %v", tc.in, c, err)
			}
			continue
		}
		if !errors.Is(err, qun.ErrInvalid) {
			t.Errorf("Decode(%s) = %v, want ErrInvalid", tc.in, err)
			continue
		}
		var ve *qun.ValidationError
		var se *qun.SyntaxError
		switch {
		case tc.offset == -1 && (!errors.As(err, &ve) || ve.Field != tc.field):
			t.Errorf("Decode(%s) = %v, want a validation error of %q", tc.in, err, tc.field)
		case tc.offset >= 0 && (!errors.As(err, &se) || se.Offset != tc.offset):
			t.Errorf("Decode(%s) = %#v, want a syntax error at %d", tc.in, err, tc.offset)
		}
	}
}
