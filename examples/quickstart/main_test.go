package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestRun(t *testing.T) {
	var out bytes.Buffer
	if err := run(&out); err != nil {
		t.Fatal(err)
	}
	// The two check-ins either side of midnight fall on different local
	// days of the same Monday week.
	for _, want := range []string{
		`{"id":"order-881","member":"lin","name":"purchase","time":"2026-11-22T20:15:00+08:00","value":"299.00","props":{"sku":"barolo-2019"}}`,
		"zhou  23:59  day 2026-11-21  week 2026-11-16/P1W",
		"zhou  00:01  day 2026-11-22  week 2026-11-16/P1W",
		"lin's interest in Italian wine: 1.85 now, 0.09 in a month",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q; it was:\n%s", want, out.String())
		}
	}
}
