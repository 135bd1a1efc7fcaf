package draw_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/qunkit/qun"
	"github.com/qunkit/qun/incentive/draw"
)

func revealOf(b byte) draw.Reveal {
	return draw.Reveal{Seed: seedOf(b), Salt: draw.Salt(strings.Repeat(string(rune('a'+b%26)), 16))}
}

// finished runs a small draw to the end and returns what the host
// publishes.
func finished(t *testing.T) (draw.Pool, draw.Commitment, draw.Reveal, []draw.Result) {
	t.Helper()
	p := draw.Pool{
		ID: "new-year", Calendar: calSH,
		Prizes: []draw.Prize{{ID: "magnum", Weight: 1, Stock: 2}, {ID: "glass", Weight: 10, Stock: 20}, {ID: "card", Weight: 30, Unlimited: true}},
		Blank:  59,
		Limits: []draw.Limit{{Per: qun.Day, Entries: 3}},
		Pity:   &draw.Pity{After: 5, Prizes: []string{"magnum", "glass"}},
	}
	rv := revealOf(7)
	c, err := draw.Commit(p, rv)
	if err != nil {
		t.Fatal(err)
	}
	d, err := draw.New("c", p, rv.Seed)
	if err != nil {
		t.Fatal(err)
	}
	for n := range 200 {
		_, err := d.Enter(entry(fmt.Sprint("e", n), qun.MemberID(fmt.Sprint("m", n%11))), eve.Add(time.Duration(n)*17*time.Minute))
		if err != nil && !errors.Is(err, draw.ErrLimit) {
			t.Fatal(err)
		}
	}
	return p, c, rv, slices.Collect(d.Results())
}

func TestVerifyAcceptsAnHonestDraw(t *testing.T) {
	p, c, rv, results := finished(t)
	if err := draw.Verify(p, c, rv, results); err != nil {
		t.Fatal(err)
	}
	// Through JSON, as published.
	var pub struct {
		Pool       draw.Pool       `json:"pool"`
		Commitment draw.Commitment `json:"commitment"`
		Reveal     draw.Reveal     `json:"reveal"`
		Results    []draw.Result   `json:"results"`
	}
	data, err := json.Marshal(map[string]any{"pool": p, "commitment": c, "reveal": rv, "results": results})
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &pub); err != nil {
		t.Fatal(err)
	}
	if err := draw.Verify(pub.Pool, pub.Commitment, pub.Reveal, pub.Results); err != nil {
		t.Fatalf("verifying the published JSON: %v", err)
	}
}

func TestVerifyRejectsTampering(t *testing.T) {
	p, c, rv, results := finished(t)
	won := slices.IndexFunc(results, func(r draw.Result) bool { return r.Prize == "glass" })
	lost := slices.IndexFunc(results, func(r draw.Result) bool { return r.Prize == "" })
	cases := map[string]func() (draw.Pool, draw.Commitment, draw.Reveal, []draw.Result){
		"another seed": func() (draw.Pool, draw.Commitment, draw.Reveal, []draw.Result) {
			bad := rv
			bad.Seed[0] ^= 1
			return p, c, bad, results
		},
		"another salt": func() (draw.Pool, draw.Commitment, draw.Reveal, []draw.Result) {
			bad := rv
			bad.Salt = append(draw.Salt{}, rv.Salt...)
			bad.Salt[3] ^= 0x80
			return p, c, bad, results
		},
		"another pool": func() (draw.Pool, draw.Commitment, draw.Reveal, []draw.Result) {
			bad := p
			bad.Prizes = slices.Clone(p.Prizes)
			bad.Prizes[0].Weight = 2
			return bad, c, rv, results
		},
		"another draw's commitment": func() (draw.Pool, draw.Commitment, draw.Reveal, []draw.Result) {
			bad := c
			bad.Draw = "old-year"
			return p, bad, rv, results
		},
		"a prize moved to a friend": func() (draw.Pool, draw.Commitment, draw.Reveal, []draw.Result) {
			bad := slices.Clone(results)
			bad[won].Member, bad[lost].Member = bad[lost].Member, bad[won].Member
			return p, c, rv, bad
		},
		"a loss turned into a win": func() (draw.Pool, draw.Commitment, draw.Reveal, []draw.Result) {
			bad := slices.Clone(results)
			bad[lost].Prize = "magnum"
			return p, c, rv, bad
		},
		"a result left out": func() (draw.Pool, draw.Commitment, draw.Reveal, []draw.Result) {
			return p, c, rv, slices.Delete(slices.Clone(results), 3, 4)
		},
		"two results swapped": func() (draw.Pool, draw.Commitment, draw.Reveal, []draw.Result) {
			bad := slices.Clone(results)
			bad[5], bad[6] = bad[6], bad[5]
			return p, c, rv, bad
		},
		"entries moved into a day past the limit": func() (draw.Pool, draw.Commitment, draw.Reveal, []draw.Result) {
			bad := slices.Clone(results)
			moved := 0
			for i := range bad {
				if bad[i].Member == bad[0].Member && moved < 4 {
					bad[i].Time = bad[0].Time
					moved++
				}
			}
			return p, c, rv, bad
		},
	}
	for name, tamper := range cases {
		t.Run(name, func(t *testing.T) {
			err := draw.Verify(tamper())
			if !errors.Is(err, draw.ErrTampered) || !errors.Is(err, qun.ErrInvalid) {
				t.Errorf("err = %v, want one wrapping ErrTampered", err)
			}
		})
	}
}

func TestCommitmentText(t *testing.T) {
	p, c, rv, _ := finished(t)
	if len(c.Hash) != 64 || len(c.Pool) != 64 || c.Draw != "new-year" {
		t.Errorf("commitment: %+v", c)
	}
	data, err := json.Marshal(rv)
	if err != nil {
		t.Fatal(err)
	}
	var back draw.Reveal
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if err := c.Check(p, back); err != nil {
		t.Errorf("the reveal through JSON %s: %v", data, err)
	}
	var cb draw.Commitment
	if err := json.Unmarshal([]byte(`{"draw":"d","pool":"00","hash":"11","extra":1}`), &cb); !errors.Is(err, qun.ErrInvalid) {
		t.Errorf("a commitment with an unknown field: %v", err)
	}
	var s draw.Seed
	for _, bad := range []string{"", "00", strings.Repeat("zz", 32)} {
		if err := s.UnmarshalText([]byte(bad)); !errors.Is(err, qun.ErrInvalid) {
			t.Errorf("seed %q: %v", bad, err)
		}
	}
	var salt draw.Salt
	if err := salt.UnmarshalText([]byte("xyz")); !errors.Is(err, qun.ErrInvalid) {
		t.Errorf("salt xyz: %v", err)
	}
	if _, err := draw.Commit(p, draw.Reveal{Seed: rv.Seed, Salt: draw.Salt("short")}); !errors.Is(err, qun.ErrInvalid) {
		t.Errorf("a short salt: %v", err)
	}
	if _, err := draw.Commit(draw.Pool{}, rv); !errors.Is(err, qun.ErrInvalid) {
		t.Errorf("an invalid pool: %v", err)
	}
	// Two salts, two commitments to one seed.
	other := rv
	other.Salt = draw.Salt(strings.Repeat("z", 16))
	c2, _ := draw.Commit(p, other)
	if c2.Hash == c.Hash {
		t.Error("two salts give one hash")
	}
}

// TestReproducible pins the first results of a fixed seed: the algorithm
// (SHA-256 key derivation, ChaCha8, Lemire's reduction, the walk over the
// weights) must never change, or published draws could no longer be
// verified. If this test fails, the draw's results changed.
func TestReproducible(t *testing.T) {
	p := draw.Pool{ID: "pinned", Prizes: []draw.Prize{{ID: "a", Weight: 1, Unlimited: true}, {ID: "b", Weight: 2, Unlimited: true}, {ID: "c", Weight: 3, Unlimited: true}}, Blank: 4}
	d, err := draw.New("c", p, seedOf(0))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for n := range 24 {
		r, err := d.Enter(entry(fmt.Sprint(n), "m"), eve)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, r.Prize+"-")
	}
	const pinned = "---a-c-c-c-c--b----b-c-c-c-b--c----c-"
	if s := strings.Join(got, ""); s != pinned {
		t.Errorf("results of the pinned seed changed:\n got %s\nwant %s", s, pinned)
	}
}
