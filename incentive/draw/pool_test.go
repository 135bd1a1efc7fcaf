package draw_test

import (
	"encoding/json"
	"errors"
	"math"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/qunkit/qun"
	"github.com/qunkit/qun/incentive/draw"
	"github.com/shopspring/decimal"
)

const poolJSON = `{
  "id": "double-11",
  "calendar": {"zone": "Asia/Shanghai", "week_start": "monday"},
  "opens": "2026-11-11T00:00:00+08:00",
  "closes": "2026-11-12T00:00:00+08:00",
  "prizes": [
    {"id": "wine", "name": "a bottle of Barolo", "weight": 1, "stock": 10},
    {"id": "glass", "name": "a tasting glass", "weight": 9, "stock": 100},
    {"id": "points-100", "weight": 20, "unlimited": true, "points": {"kind": "points", "points": "100"}}
  ],
  "blank": 70,
  "stock_out": "redistribute",
  "limits": [{"per": "day", "entries": 3}, {"entries": 10}],
  "pity": {"after": 9, "prizes": ["wine", "glass"]},
  "cost": {"kind": "points", "points": "10"}
}`

var poolOpts = cmp.Options{cmp.Comparer(decimal.Decimal.Equal), cmp.Comparer(qun.Zone.Equal)}

func TestPoolJSONRoundTrip(t *testing.T) {
	p, err := draw.ParsePool([]byte(poolJSON))
	if err != nil {
		t.Fatal(err)
	}
	if p.StockOut != draw.Redistribute || p.Limits[0].Per != qun.Day || p.Pity.After != 9 || !p.Cost.Points.Equal(decimal.NewFromInt(10)) {
		t.Errorf("fields read wrong: %+v", p)
	}
	data, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	q, err := draw.ParsePool(data)
	if err != nil {
		t.Fatalf("reading back %s: %v", data, err)
	}
	if diff := cmp.Diff(p, q, poolOpts); diff != "" {
		t.Errorf("round trip (-first +second):\n%s", diff)
	}
	// The fingerprint is stable across the round trip.
	f1, err := draw.Fingerprint(p)
	if err != nil {
		t.Fatal(err)
	}
	f2, _ := draw.Fingerprint(q)
	if f1 != f2 {
		t.Errorf("fingerprints differ after a round trip: %s, %s", f1, f2)
	}
}

func TestPoolErrors(t *testing.T) {
	base := `"id":"d","calendar":{"zone":"UTC","week_start":"monday"}`
	prize := `{"id":"p","weight":1,"stock":1}`
	cases := []struct{ name, json, field string }{
		{"unknown field", `{` + base + `,"prizes":[` + prize + `],"odds":1}`, "odds"},
		{"misspelt prize field", `{` + base + `,"prizes":[{"id":"p","wieght":1,"stock":1}]}`, "prizes[0].wieght"},
		{"no prizes", `{` + base + `,"prizes":[]}`, "prizes"},
		{"zero weight", `{` + base + `,"prizes":[{"id":"p","weight":0,"stock":1}]}`, "prizes[0].weight"},
		{"no stock", `{` + base + `,"prizes":[{"id":"p","weight":1}]}`, "prizes[0].stock"},
		{"stock and unlimited", `{` + base + `,"prizes":[{"id":"p","weight":1,"stock":3,"unlimited":true}]}`, "prizes[0].stock"},
		{"negative stock", `{` + base + `,"prizes":[{"id":"p","weight":1,"stock":-3}]}`, "prizes[0].stock"},
		{"duplicate prize", `{` + base + `,"prizes":[` + prize + `,` + prize + `]}`, "prizes[1].id"},
		{"weights too heavy", `{` + base + `,"prizes":[{"id":"p","weight":9007199254740992,"stock":1}],"blank":1}`, "prizes"},
		{"negative blank", `{` + base + `,"prizes":[` + prize + `],"blank":-1}`, "blank"},
		{"unknown stock-out policy", `{` + base + `,"prizes":[` + prize + `],"stock_out":"refund"}`, "stock_out"},
		{"closes before opens", `{` + base + `,"prizes":[` + prize + `],"opens":"2026-01-02T00:00:00Z","closes":"2026-01-01T00:00:00Z"}`, "closes"},
		{"zero entries", `{` + base + `,"prizes":[` + prize + `],"limits":[{"per":"day","entries":0}]}`, "limits[0].entries"},
		{"two limits of a period", `{` + base + `,"prizes":[` + prize + `],"limits":[{"entries":1},{"entries":2}]}`, "limits[1].per"},
		{"pity after zero", `{` + base + `,"prizes":[` + prize + `],"pity":{"after":0}}`, "pity.after"},
		{"pity of an unknown prize", `{` + base + `,"prizes":[` + prize + `],"pity":{"after":3,"prizes":["q"]}}`, "pity.prizes[0]"},
		{"points prize without points", `{` + base + `,"prizes":[{"id":"p","weight":1,"unlimited":true,"points":{"kind":"points","points":"0"}}]}`, "prizes[0].points.points"},
		{"cost of no kind", `{` + base + `,"prizes":[` + prize + `],"cost":{"kind":"","points":"1"}}`, "cost.kind"},
		{"bad id", `{"id":"","calendar":{"zone":"UTC","week_start":"monday"},"prizes":[` + prize + `]}`, "id"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := draw.ParsePool([]byte(c.json))
			if !errors.Is(err, qun.ErrInvalid) {
				t.Fatalf("err = %v, want one matching qun.ErrInvalid", err)
			}
			if !hasField(err, c.field) {
				t.Errorf("err = %v, want one naming %q", err, c.field)
			}
		})
	}
}

// hasField reports whether err, or an error joined in it, is a validation
// error for the field.
func hasField(err error, field string) bool {
	if joined, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range joined.Unwrap() {
			if hasField(e, field) {
				return true
			}
		}
		return false
	}
	var ve *qun.ValidationError
	if errors.As(err, &ve) && ve.Field == field {
		return true
	}
	if u := errors.Unwrap(err); u != nil {
		return hasField(u, field)
	}
	return false
}

func TestStockOutText(t *testing.T) {
	for _, s := range []draw.StockOut{draw.Lose, draw.Redistribute} {
		text, err := s.MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		var back draw.StockOut
		if err := back.UnmarshalText(text); err != nil || back != s || s.String() != string(text) {
			t.Errorf("%v: %q %v %v", s, text, back, err)
		}
	}
	if _, err := draw.StockOut(7).MarshalText(); !errors.Is(err, qun.ErrInvalid) {
		t.Errorf("marshal of an unknown policy: %v", err)
	}
	if draw.StockOut(7).String() != "StockOut(7)" {
		t.Error("name of an unknown policy")
	}
}

func TestOddsFromConfiguration(t *testing.T) {
	p := draw.Pool{
		ID: "o",
		Prizes: []draw.Prize{
			{ID: "rare", Weight: 1, Stock: 5},
			{ID: "common", Weight: 19, Unlimited: true},
		},
		Blank: 80,
		Pity:  &draw.Pity{After: 9, Prizes: []string{"rare"}},
	}
	o := p.Odds()
	if o.Total != 100 || o.Prizes[0].Chance != 0.01 || o.Prizes[1].Chance != 0.19 || o.Nothing != 0.8 {
		t.Errorf("ordinary odds: %+v", o)
	}
	// E[T] = Σ_{k=0}^{9} 0.99^k = (1 - 0.99^10) / 0.01.
	mean := (1 - math.Pow(0.99, 10)) / 0.01
	g := math.Pow(0.99, 9) / mean
	if math.Abs(o.Pity.Mean-mean) > 1e-9 || math.Abs(o.Pity.Guaranteed-g) > 1e-12 || o.Prizes[0].Guaranteed != 1 {
		t.Errorf("pity odds: %+v, want mean %v and share %v", o.Pity, mean, g)
	}
	if want := 1 / mean; math.Abs(o.Prizes[0].Overall-want) > 1e-12 {
		t.Errorf("overall rate of the pity prize %v, want 1/E[T] = %v", o.Prizes[0].Overall, want)
	}
	sum := o.NothingOverall
	for _, po := range o.Prizes {
		sum += po.Overall
	}
	if math.Abs(sum-1) > 1e-12 {
		t.Errorf("overall odds add up to %v", sum)
	}
	if _, err := json.Marshal(o); err != nil {
		t.Errorf("odds do not marshal: %v", err)
	}
}

func TestOddsAfterStockOut(t *testing.T) {
	p := draw.Pool{
		ID: "o",
		Prizes: []draw.Prize{
			{ID: "rare", Weight: 10, Stock: 1},
			{ID: "common", Weight: 40, Unlimited: true},
		},
		Blank: 50,
		Pity:  &draw.Pity{After: 2, Prizes: []string{"rare"}},
	}
	at := time.Date(2026, 12, 24, 20, 0, 0, 0, time.UTC)
	for _, policy := range []draw.StockOut{draw.Lose, draw.Redistribute} {
		p.StockOut = policy
		d, err := draw.New("c", p, seedOf(9))
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; ; i++ {
			if r, err := d.Enter(draw.Entry{Key: "k" + string(rune('a'+i)), Member: "m"}, at); err != nil {
				t.Fatal(err)
			} else if r.Prize == "rare" {
				break
			}
		}
		o := d.Odds()
		if o.Prizes[0].Remaining != 0 || o.Prizes[0].Chance != 0 || !o.Pity.Lapsed || o.Prizes[0].Guaranteed != 0 {
			t.Errorf("%v: the sold-out prize: %+v, pity %+v", policy, o.Prizes[0], o.Pity)
		}
		want := map[draw.StockOut]struct {
			total          int64
			common, nothin float64
		}{draw.Lose: {100, 0.4, 0.6}, draw.Redistribute: {90, 40.0 / 90, 50.0 / 90}}[policy]
		if o.Total != want.total || o.Prizes[1].Chance != want.common || o.Nothing != want.nothin || o.Prizes[1].Overall != want.common {
			t.Errorf("%v: odds after the stock-out: %+v", policy, o)
		}
	}
}

func FuzzParsePool(f *testing.F) {
	f.Add([]byte(poolJSON))
	f.Add([]byte(`{"id":"d","calendar":{"zone":"UTC","week_start":"monday"},"prizes":[{"id":"p","weight":1,"stock":1}]}`))
	f.Add([]byte(`{"id":"d","calendar":{"zone":"UTC","week_start":"monday"},"prizes":[{"id":"p","weight":3,"unlimited":true}],"blank":2,"pity":{"after":1}}`))
	f.Add([]byte(`{"id":"d","prizes":[{"id":"p","weight":9007199254740993,"stock":1}]}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := draw.ParsePool(data)
		if err != nil {
			if !errors.Is(err, qun.ErrInvalid) {
				t.Fatalf("error not matching qun.ErrInvalid: %v", err)
			}
			return
		}
		out, err := json.Marshal(p)
		if err != nil {
			t.Fatalf("a parsed pool does not marshal: %v", err)
		}
		if _, err := draw.ParsePool(out); err != nil {
			t.Fatalf("%s does not read back: %v", out, err)
		}
		if _, err := json.Marshal(p.Odds()); err != nil {
			t.Fatalf("odds do not marshal: %v", err)
		}
		d, err := draw.New("c", p, seedOf(1))
		if err != nil {
			t.Fatalf("a parsed pool makes no draw: %v", err)
		}
		at := p.Opens
		if at.IsZero() {
			at = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		}
		for i := range 20 {
			_, err := d.Enter(draw.Entry{Key: "k" + string(rune('a'+i)), Member: "m"}, at)
			if err != nil && !errors.Is(err, draw.ErrLimit) && !errors.Is(err, draw.ErrSoldOut) && !errors.Is(err, draw.ErrClosed) {
				t.Fatal(err)
			}
		}
	})
}

func TestPartsReadStrictly(t *testing.T) {
	for name, c := range map[string]struct {
		v    any
		json string
	}{
		"prize":  {&draw.Prize{}, `{"id":"p","weight":1,"stock":1,"odds":0.5}`},
		"points": {&draw.Points{}, `{"kind":"p","points":"1","point":"2"}`},
		"limit":  {&draw.Limit{}, `{"per":"day","entries":1,"entries":2}`},
		"pity":   {&draw.Pity{}, `{"after":null}`},
		"entry":  {&draw.Entry{}, `{"key":"k","member":"m","extra":true}`},
	} {
		if err := json.Unmarshal([]byte(c.json), c.v); !errors.Is(err, qun.ErrInvalid) {
			t.Errorf("%s: %v, want a refusal", name, err)
		}
	}
}
