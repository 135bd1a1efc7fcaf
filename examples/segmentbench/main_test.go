package main

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// Every contender finds the same members: the comparison is of equals.
func TestContendersAgree(t *testing.T) {
	p, err := NewPopulation(2000)
	if err != nil {
		t.Fatal(err)
	}
	want := -1
	for _, c := range Contenders {
		n, err := c.Eval(p)
		if err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		if want < 0 {
			want = n
			if n == 0 || n == len(p.Records) {
				t.Fatalf("the predicate matches %d of %d members; it should split them", n, len(p.Records))
			}
		}
		if n != want {
			t.Errorf("%s matches %d members, qun %d", c.Name, n, want)
		}
	}
}

// The program prints a row per contender. (A stand-in measure keeps the
// test quick: one pass each, timed as 10 ns a member.)
func TestRun(t *testing.T) {
	var out bytes.Buffer
	once := func(c Contender, p *Population) (testing.BenchmarkResult, error) {
		_, err := c.Eval(p)
		return testing.BenchmarkResult{N: 1, T: time.Duration(10 * len(p.Records))}, err
	}
	if err := run(&out, 200, once); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"qun segment", "expr.Run, map", "hand-written Go"} {
		if !strings.Contains(out.String(), name) {
			t.Errorf("output lacks %q:\n%s", name, out.String())
		}
	}
}

// BenchmarkPredicate runs the contenders side by side; compare them with
// benchstat, or read the ratios that go run prints.
func BenchmarkPredicate(b *testing.B) {
	p, err := NewPopulation(100_000)
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range Contenders {
		b.Run(c.Name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.Eval(p); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(p.Records)), "ns/member")
		})
	}
}
